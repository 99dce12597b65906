package dev.asyncio4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Freezes the public API (Trio's test_exports, Okio's okio.api): the exported packages' public types
 * and their public and protected members must match core/api/asyncio4j-core.api. After an intended
 * change, run the test with -Dasyncio4j.updateApi=true and commit the file with the change.
 */
class ApiSurfaceTest {
    private static final Path API_FILE = Path.of("api", "asyncio4j-core.api");
    private static final List<String> EXPORTED = List.of("dev.asyncio4j", "dev.asyncio4j.testing");

    @Test
    void moduleExportsOnlyTheApiPackages() {
        Module module = dev.asyncio4j.Asyncio.class.getModule();
        if (module.isNamed()) {
            assertThat(module.getDescriptor().exports())
                    .allSatisfy(e -> assertThat(e.isQualified()).isFalse())
                    .extracting(e -> e.source())
                    .containsExactlyInAnyOrderElementsOf(EXPORTED);
        }
    }

    @Test
    void publicApiMatchesTheCheckedInListing() throws Exception {
        String actual = String.join("\n", describe()) + "\n";
        if (Boolean.getBoolean("asyncio4j.updateApi")) {
            Files.createDirectories(API_FILE.getParent());
            Files.writeString(API_FILE, actual);
        }
        String expected = Files.exists(API_FILE) ? Files.readString(API_FILE) : "";
        assertThat(actual)
                .as("the public API changed; if intended, rerun with -Dasyncio4j.updateApi=true and commit core/"
                        + API_FILE)
                .isEqualTo(expected);
    }

    private static List<String> describe() throws IOException, ClassNotFoundException {
        Path classes = Path.of("target", "classes");
        Set<String> lines = new TreeSet<>();
        for (String pkg : EXPORTED) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String name = pkg + "." + f.getFileName().toString().replace(".class", "");
                    Class<?> c = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
                    if (isVisible(c)) {
                        describe(c, lines);
                    }
                }
            }
        }
        return new ArrayList<>(lines);
    }

    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return !c.isSynthetic() && !c.isAnonymousClass();
    }

    private static void describe(Class<?> c, Set<String> lines) {
        String type = c.getName();
        StringBuilder head = new StringBuilder(type).append(" : ").append(Modifier.toString(c.getModifiers() & ~Modifier.INTERFACE))
                .append(c.isInterface() ? " interface" : c.isEnum() ? " enum" : c.isRecord() ? " record" : " class");
        if (c.getSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
            head.append(" extends ").append(c.getGenericSuperclass().getTypeName());
        }
        if (c.getGenericInterfaces().length > 0) {
            head.append(" implements ").append(String.join(", ",
                    Arrays.stream(c.getGenericInterfaces()).map(t -> t.getTypeName()).toList()));
        }
        lines.add(head.toString());
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
                lines.add(type + " : " + k.toGenericString().replace(type + "(", "<init>("));
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if ((Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) && !m.isSynthetic() && !m.isBridge()) {
                lines.add(type + " : " + m.toGenericString());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if ((Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) && !f.isSynthetic()) {
                lines.add(type + " : " + f.toGenericString());
            }
        }
    }
}
