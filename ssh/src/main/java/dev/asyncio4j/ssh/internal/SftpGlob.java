package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.ssh.SFTPError;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;

/** Remote glob matching, one path component at a time, with the JDK's glob syntax per component. */
final class SftpGlob {
    private SftpGlob() {
    }

    static List<String> glob(SftpOps ops, String pattern) throws IOException {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("glob pattern is empty");
        }
        boolean absolute = pattern.startsWith("/");
        List<String> found = new ArrayList<>();
        found.add(absolute ? "/" : "");
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            List<String> next = new ArrayList<>();
            for (String base : found) {
                if (isPattern(part)) {
                    matchIn(ops, base, part, next);
                } else if (ops.exists(join(base, part))) {
                    next.add(join(base, part));
                }
            }
            found = next;
        }
        return found.stream().sorted().toList();
    }

    private static void matchIn(SftpOps ops, String base, String part, List<String> out) throws IOException {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part);
        List<SftpClient.DirEntry> entries;
        try {
            entries = ops.entries(base.isEmpty() ? "." : base);
        } catch (SFTPError e) {
            if (e.code() == SFTPError.NO_SUCH_FILE) {
                return;
            }
            throw e;
        }
        for (SftpClient.DirEntry e : entries) {
            String name = e.getFilename();
            if ((!name.startsWith(".") || part.startsWith(".")) && m.matches(Path.of(name))) {
                out.add(join(base, name));
            }
        }
    }

    private static boolean isPattern(String part) {
        return part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static String join(String base, String name) {
        return base.isEmpty() ? name : base.endsWith("/") ? base + name : base + "/" + name;
    }
}
