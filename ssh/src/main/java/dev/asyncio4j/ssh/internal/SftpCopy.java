package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.EventLoop;
import dev.asyncio4j.ssh.SFTPCopyOptions;
import dev.asyncio4j.ssh.SFTPError;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One get or put, file or tree, run on an executor thread. {@link #cancel} (from the loop) makes the
 * copy stop at its next buffer and clean up: a download goes to a temporary sibling renamed into place
 * only when complete; an upload's partial remote file is removed.
 */
final class SftpCopy {
    private static final int BUFFER = 64 * 1024;
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private final SftpClient client;
    private final SftpOps ops;
    private final SFTPCopyOptions options;
    private final EventLoop loop;
    private volatile boolean cancelled;
    private final ConcurrentLinkedQueue<Runnable> updates = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainPosted = new AtomicBoolean();

    SftpCopy(SftpClient client, SftpOps ops, SFTPCopyOptions options, EventLoop loop) {
        this.client = client;
        this.ops = ops;
        this.options = options;
        this.loop = loop;
    }

    void cancel() {
        cancelled = true;
    }

    // ------------------------------------------------------------------ get

    void get(String remote, Path local) throws IOException {
        SftpClient.Attributes a = ops.stat(remote);
        if (!a.isDirectory()) {
            getFile(remote, local, a);
            return;
        }
        if (!options.recursive()) {
            throw new SFTPError(SFTPError.FAILURE, remote, "get '" + remote + "': is a directory (copy trees with recursive(true))", null);
        }
        Files.createDirectories(local);
        for (SftpClient.DirEntry e : ops.entries(remote)) {
            checkCancelled();
            String child = join(remote, e.getFilename());
            if (e.getAttributes().isDirectory() || e.getAttributes().isRegularFile()) {
                get(child, local.resolve(e.getFilename()));
            }
        }
        if (options.preserve()) {
            setLocal(local, a);
        }
    }

    private void getFile(String remote, Path local, SftpClient.Attributes a) throws IOException {
        Path parent = local.toAbsolutePath().getParent();
        Path part = parent.resolve("." + local.getFileName() + "." + UUID.randomUUID() + ".part");
        boolean done = false;
        try {
            try (InputStream in = ops.run("get", remote, () -> client.read(remote));
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                pump(in, out, remote, local.toString(), a.getSize());
            } catch (SftpException e) {
                throw SftpOps.error("get", remote, e);
            }
            if (options.preserve()) {
                setLocal(part, a);
            }
            Files.move(part, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(part);
            }
        }
    }

    private static void setLocal(Path local, SftpClient.Attributes a) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((a.getPermissions() & (1 << i)) != 0) {
                perms.add(BITS[i]);
            }
        }
        Files.setPosixFilePermissions(local, perms);
        Files.getFileAttributeView(local, BasicFileAttributeView.class).setTimes(a.getModifyTime(), a.getAccessTime(), null);
    }

    // ------------------------------------------------------------------ put

    void put(Path local, String remote) throws IOException {
        PosixFileAttributes a = Files.readAttributes(local, PosixFileAttributes.class);
        if (!a.isDirectory()) {
            putFile(local, remote, a);
            return;
        }
        if (!options.recursive()) {
            throw new IOException("put '" + local + "': is a directory (copy trees with recursive(true))");
        }
        if (!ops.exists(remote)) {
            ops.run("mkdir", remote, () -> {
                client.mkdir(remote);
                return null;
            });
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(local)) {
            children = s.sorted().toList();
        }
        for (Path child : children) {
            checkCancelled();
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                put(child, join(remote, child.getFileName().toString()));
            }
        }
        if (options.preserve()) {
            setRemote(remote, a);
        }
    }

    private void putFile(Path local, String remote, PosixFileAttributes a) throws IOException {
        boolean done = false;
        boolean opened = false;
        try {
            try (InputStream in = Files.newInputStream(local);
                 OutputStream out = ops.run("put", remote, () -> client.write(remote))) {
                opened = true;
                pump(in, out, local.toString(), remote, a.size());
            } catch (SftpException e) {
                throw SftpOps.error("put", remote, e);
            }
            if (options.preserve()) {
                setRemote(remote, a);
            }
            done = true;
        } finally {
            if (!done && opened) {
                removeQuietly(remote);
            }
        }
    }

    private void removeQuietly(String remote) {
        try {
            client.remove(remote);
        } catch (IOException e) {
            // best effort: the upload's own failure is what the caller needs to see
        }
    }

    private void setRemote(String remote, PosixFileAttributes a) throws IOException {
        int mode = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (a.permissions().contains(BITS[i])) {
                mode |= 1 << i;
            }
        }
        SftpClient.Attributes attrs = new SftpClient.Attributes();
        attrs.setPermissions(mode);
        attrs.modifyTime(a.lastModifiedTime());
        attrs.accessTime(a.lastAccessTime());
        ops.run("setstat", remote, () -> {
            client.setStat(remote, attrs);
            return null;
        });
    }

    // ------------------------------------------------------------------ common

    private void pump(InputStream in, OutputStream out, String src, String dst, long total) throws IOException {
        byte[] buf = new byte[BUFFER];
        long done = 0;
        report(src, dst, 0, total, false);
        for (int n; (n = in.read(buf)) > 0;) {
            checkCancelled();
            out.write(buf, 0, n);
            done += n;
            report(src, dst, done, total, false);
        }
        report(src, dst, done, total, true);
    }

    private void checkCancelled() throws InterruptedIOException {
        if (cancelled) {
            throw new InterruptedIOException("SFTP copy cancelled");
        }
    }

    /**
     * Queues a progress update for the loop. An intermediate update is dropped while another is still
     * waiting for the loop; a file's last update is always queued.
     */
    private void report(String src, String dst, long done, long total, boolean last) {
        SFTPCopyOptions.Progress progress = options.progress();
        if (progress == null || (!last && !updates.isEmpty())) {
            return;
        }
        updates.add(() -> progress.update(src, dst, done, total));
        if (drainPosted.compareAndSet(false, true)) {
            LoopPost.post(loop, this::drain);
        }
    }

    private void drain() {
        drainPosted.set(false);
        for (Runnable r; (r = updates.poll()) != null;) {
            r.run();
        }
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }
}
