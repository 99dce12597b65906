package dev.asyncio4j.ssh;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The real OpenSSH (and Dropbear) servers started by {@code scripts/sshd-env up}, found through the env file it writes
 * ({@code .sshd-env} at the repository root, or {@code $ASYNCIO4J_SSHD_ENV}). When they are not running
 * a test that needs them is skipped with a message saying how to start them; with
 * {@code ASYNCIO4J_REQUIRE_SSHD=1} (set by {@code .ci/run}) it fails instead.
 */
public final class SshdEnv {
    private static final String HOW = "start the test sshd with `sudo scripts/sshd-env up` (stop: `scripts/sshd-env down`)";

    private final Properties props;

    private SshdEnv(Properties props) {
        this.props = props;
    }

    /**
     * Returns the running servers, or skips (fails under CI) the calling test.
     *
     * @return the environment
     */
    public static SshdEnv require() {
        return require("main");
    }

    /**
     * Returns the running servers if one instance answers, or skips (fails under CI) the calling test.
     *
     * @param instance {@code main}, {@code jump}, {@code pam} or {@code dropbear}
     * @return the environment
     */
    public static SshdEnv require(String instance) {
        Path file = envFile();
        if (file == null || !Files.isRegularFile(file)) {
            unavailable("no env file .sshd-env found from " + Path.of("").toAbsolutePath());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            unavailable("cannot read " + file + ": " + e.getMessage());
        }
        if (p.getProperty("port." + instance) == null) {
            unavailable(file + " has no port." + instance + " (written by an older scripts/sshd-env?)");
        }
        SshdEnv env = new SshdEnv(p);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(env.host(), env.port(instance)), 5000);
        } catch (IOException e) {
            unavailable(file + " names port " + env.port(instance) + " for " + instance + " but nothing answers there");
        }
        return env;
    }

    /**
     * Skips (fails under CI) unless a local program exists.
     *
     * @param program an absolute path, e.g. {@code /usr/bin/ssh-agent}
     */
    public static void requireProgram(String program) {
        if (!Files.isExecutable(Path.of(program))) {
            unavailable(program + " is not installed");
        }
    }

    private static void unavailable(String why) {
        String message = "real test SSH servers not available (" + why + "): " + HOW;
        if ("1".equals(System.getenv("ASYNCIO4J_REQUIRE_SSHD"))) {
            fail(message + " [ASYNCIO4J_REQUIRE_SSHD=1, so this is a failure]");
        }
        Assumptions.abort(message);
    }

    private static Path envFile() {
        String override = System.getenv("ASYNCIO4J_SSHD_ENV");
        if (override != null && !override.isEmpty()) {
            return Path.of(override);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".sshd-env"))) {
                return dir.resolve(".sshd-env");
            }
        }
        return null;
    }

    /** @return the loopback address the servers listen on */
    public String host() {
        return props.getProperty("host");
    }

    /** @return the test user (its sudo needs its password) */
    public String user() {
        return props.getProperty("user");
    }

    /**
     * Returns an instance's port.
     *
     * @param instance {@code main}, {@code jump}, {@code pam} or {@code dropbear}
     * @return the port
     */
    public int port(String instance) {
        return Integer.parseInt(props.getProperty("port." + instance));
    }

    /**
     * Returns a client key file of the environment.
     *
     * @param name e.g. {@code id_ed25519}, {@code id_ecdsa_pem}, {@code id_ed25519_enc}
     * @return its path
     */
    public Path key(String name) {
        return Path.of(props.getProperty("dir")).resolve(name);
    }

    /** @return a known_hosts file listing every instance's host keys */
    public Path knownHosts() {
        return Path.of(props.getProperty("known.hosts"));
    }

    /** @return the test user's password */
    public String password() {
        return readSecret("password.file");
    }

    /** @return the passphrase of {@code id_ed25519_enc} */
    public String passphrase() {
        return readSecret("passphrase.file");
    }

    private String readSecret(String key) {
        try {
            return Files.readString(Path.of(props.getProperty(key))).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + props.getProperty(key), e);
        }
    }
}
