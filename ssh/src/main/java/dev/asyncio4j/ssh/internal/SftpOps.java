package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.ssh.SFTPAttrs;
import dev.asyncio4j.ssh.SFTPError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpException;

/** The blocking SFTP requests behind {@link DefaultSFTPClient}, with MINA's errors mapped to {@link SFTPError}. */
final class SftpOps {
    /** A blocking MINA request. */
    interface Request<T> {
        T call() throws IOException;
    }

    private final SftpClient client;

    SftpOps(SftpClient client) {
        this.client = client;
    }

    /** Runs a request, turning the server's status into an {@link SFTPError} about {@code path}. */
    <T> T run(String op, String path, Request<T> request) throws IOException {
        try {
            return request.call();
        } catch (SftpException e) {
            throw error(op, path, e);
        } catch (UncheckedIOException e) {
            // MINA's directory iterator wraps the server's status
            if (e.getCause() instanceof SftpException s) {
                throw error(op, path, s);
            }
            throw e.getCause();
        }
    }

    static SFTPError error(String op, String path, SftpException e) {
        String text = e.getMessage() == null || e.getMessage().isEmpty() ? "status " + e.getStatus() : e.getMessage();
        return new SFTPError(e.getStatus(), path, op + " '" + path + "': " + text + " (SFTP status " + e.getStatus() + ")", e);
    }

    /** The entries of a directory without {@code .} and {@code ..}, sorted by name. */
    List<SftpClient.DirEntry> entries(String path) throws IOException {
        return run("listdir", path, () -> {
            List<SftpClient.DirEntry> out = new ArrayList<>();
            for (SftpClient.DirEntry e : client.readDir(path)) {
                if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                    out.add(e);
                }
            }
            out.sort((a, b) -> a.getFilename().compareTo(b.getFilename()));
            return out;
        });
    }

    List<String> listdir(String path) throws IOException {
        return entries(path).stream().map(SftpClient.DirEntry::getFilename).toList();
    }

    SftpClient.Attributes stat(String path) throws IOException {
        return run("stat", path, () -> client.stat(path));
    }

    boolean exists(String path) throws IOException {
        try {
            stat(path);
            return true;
        } catch (SFTPError e) {
            if (e.code() == SFTPError.NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    /** Creates each missing component; a component created concurrently by someone else is fine. */
    void makedirs(String path) throws IOException {
        String prefix = path.startsWith("/") ? "/" : "";
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix + part : prefix + "/" + part;
            String dir = prefix;
            if (!isDirectory(dir)) {
                try {
                    run("mkdir", dir, () -> {
                        client.mkdir(dir);
                        return null;
                    });
                } catch (SFTPError e) {
                    if (!isDirectory(dir)) {
                        throw e;
                    }
                }
            }
        }
    }

    private boolean isDirectory(String dir) throws IOException {
        try {
            SftpClient.Attributes a = stat(dir);
            if (!a.isDirectory()) {
                throw new SFTPError(SFTPError.FAILURE, dir, "makedirs '" + dir + "': exists and is not a directory", null);
            }
            return true;
        } catch (SFTPError e) {
            if (e.code() == SFTPError.NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    Void rename(String oldPath, String newPath) throws IOException {
        return run("rename", oldPath, () -> {
            OpenSSHPosixRenameExtension posix = client.getExtension(OpenSSHPosixRenameExtension.class);
            if (posix != null && posix.isSupported()) {
                posix.posixRename(oldPath, newPath);
            } else {
                client.rename(oldPath, newPath);
            }
            return null;
        });
    }

    /** Our immutable view of MINA's attributes. */
    static SFTPAttrs attrs(SftpClient.Attributes a) {
        return new SFTPAttrs(a.getSize(), a.getPermissions() & 07777, instant(a.getModifyTime()), instant(a.getAccessTime()),
                a.getUserId(), a.getGroupId(), a.isDirectory(), a.isRegularFile(), a.isSymbolicLink());
    }

    private static Instant instant(FileTime t) {
        return t == null ? Instant.EPOCH : t.toInstant();
    }
}
