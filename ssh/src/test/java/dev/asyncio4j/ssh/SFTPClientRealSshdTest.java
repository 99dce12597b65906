package dev.asyncio4j.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SFTPClient against the sftp subsystem of the real OpenSSH server of scripts/sshd-env. */
class SFTPClientRealSshdTest {
    private static final Duration LOGIN = Duration.ofSeconds(60);
    private static final long BIG = 200L * 1024 * 1024;

    @TempDir
    Path dir;
    private SshdEnv env;
    /** A fresh remote directory per test, removed afterwards. */
    private String remote;

    @BeforeEach
    void sshd() {
        env = SshdEnv.require();
        remote = withConn(conn -> conn.run("mktemp -d /tmp/a4j-sftp.XXXXXX", SSHRunOptions.defaults().check(true)).stdout().strip());
    }

    @AfterEach
    void cleanRemote() {
        if (remote != null) {
            withConn(conn -> conn.run("rm -rf '" + remote + "'"));
        }
    }

    private interface ConnBody<T> {
        T run(SSHClientConnection conn) throws Exception;
    }

    private interface SftpBody<T> {
        T run(SSHClientConnection conn, SFTPClient sftp) throws Exception;
    }

    private <T> T withConn(ConnBody<T> body) {
        SSHOptions options = SSHOptions.defaults().port(env.port("main")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).loginTimeout(LOGIN).clientKeys(env.key("id_ed25519"));
        Coroutine<T> main = () -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                return body.run(conn);
            }
        };
        return Asyncio.run(main);
    }

    private <T> T withSftp(SftpBody<T> body) {
        return withConn(conn -> {
            try (SFTPClient sftp = conn.startSftpClient()) {
                return body.run(conn, sftp);
            }
        });
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Writes {@code size} pseudo-random (incompressible) bytes. */
    private static void randomFile(Path file, long size) throws IOException {
        Random random = new Random(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    /** 200 MB up and down again: the server's sha256sum and ours agree; progress ends at the size. */
    @Test
    void bigFileRoundTripKeepsEveryByte() throws Exception {
        Path src = dir.resolve("big.bin");
        randomFile(src, BIG);
        String expected = sha256(src);
        Path back = dir.resolve("back.bin");
        List<long[]> upProgress = new ArrayList<>();
        List<Thread> progressThreads = new ArrayList<>();
        String remoteSum = withSftp((conn, sftp) -> {
            Thread loopThread = Thread.currentThread();
            sftp.put(src, remote + "/big.bin", SFTPCopyOptions.defaults().progress((s, d, done, total) -> {
                upProgress.add(new long[] {done, total});
                progressThreads.add(Thread.currentThread());
            }));
            assertThat(progressThreads).as("progress runs on the loop thread").containsOnly(loopThread);
            assertThat(sftp.stat(remote + "/big.bin").size()).isEqualTo(BIG);
            sftp.get(remote + "/big.bin", back);
            return conn.run("sha256sum " + remote + "/big.bin").stdout().split(" ")[0];
        });
        assertThat(remoteSum).isEqualTo(expected);
        assertThat(sha256(back)).isEqualTo(expected);
        assertThat(upProgress).isNotEmpty();
        assertThat(upProgress.get(upProgress.size() - 1)).containsExactly(BIG, BIG);
        assertThat(upProgress).extracting(p -> p[0]).isSorted();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("big.bin", "back.bin");
        }
    }

    /** A tree with nested directories goes up and back with contents, modes and times when preserved. */
    @Test
    void treeRoundTripPreservesModesAndTimes() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("a/b/c"));
        Files.writeString(tree.resolve("top.txt"), "top\n");
        Files.writeString(tree.resolve("a/run.sh"), "#!/bin/sh\necho hi\n");
        Files.writeString(tree.resolve("a/b/c/deep.txt"), "deep\n");
        Files.setPosixFilePermissions(tree.resolve("a/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(tree.resolve("a/b/c/deep.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(tree.resolve("a/b"), PosixFilePermissions.fromString("rwxr-x---"));
        FileTime old = FileTime.from(Instant.parse("2020-02-29T12:00:00Z"));
        Files.setLastModifiedTime(tree.resolve("a/b/c/deep.txt"), old);
        Files.createSymbolicLink(tree.resolve("a/link.txt"), Path.of("../top.txt"));
        Path back = dir.resolve("back");
        SFTPCopyOptions preserve = SFTPCopyOptions.defaults().recursive(true).preserve(true);
        withSftp((conn, sftp) -> {
            sftp.put(tree, remote + "/tree", preserve);
            assertThat(sftp.stat(remote + "/tree/a/run.sh").permissions()).isEqualTo(0750);
            assertThat(sftp.stat(remote + "/tree/a/b").permissions()).isEqualTo(0750);
            SFTPAttrs deep = sftp.stat(remote + "/tree/a/b/c/deep.txt");
            assertThat(deep.permissions()).isEqualTo(0600);
            assertThat(deep.modifyTime()).isEqualTo(old.toInstant());
            assertThat(conn.run("cat " + remote + "/tree/a/b/c/deep.txt").stdout()).isEqualTo("deep\n");
            assertThat(sftp.listdir(remote + "/tree/a")).as("links are skipped").containsExactly("b", "run.sh");
            sftp.get(remote + "/tree", back, preserve);
            return null;
        });
        assertThat(Files.readString(back.resolve("top.txt"))).isEqualTo("top\n");
        assertThat(Files.readString(back.resolve("a/run.sh"))).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("a/run.sh")))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("a/b")))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("a/b/c/deep.txt")))).isEqualTo("rw-------");
        assertThat(Files.getLastModifiedTime(back.resolve("a/b/c/deep.txt"))).isEqualTo(old);
    }

    /** Without recursive(true) a directory source is refused, naming the option. */
    @Test
    void directoryWithoutRecursiveIsRefused() {
        assertThatThrownBy(() -> withSftp((conn, sftp) -> {
            sftp.get(remote, dir.resolve("x"));
            return null;
        })).isInstanceOf(SFTPError.class).hasMessageContaining("recursive");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void listdirStatRenameRemoveGlob() {
        withSftp((conn, sftp) -> {
            sftp.makedirs(remote + "/d/e/f");
            sftp.makedirs(remote + "/d/e");
            Path local = dir.resolve("f.txt");
            Files.writeString(local, "12345");
            sftp.put(local, remote + "/d/one.txt");
            sftp.put(local, remote + "/d/two.log");
            sftp.put(local, remote + "/d/e/three.txt");
            sftp.put(local, remote + "/d/.hidden.txt");
            assertThat(sftp.listdir(remote + "/d")).containsExactly(".hidden.txt", "e", "one.txt", "two.log");
            SFTPAttrs a = sftp.stat(remote + "/d/one.txt");
            assertThat(a.size()).isEqualTo(5);
            assertThat(a.isRegularFile()).isTrue();
            assertThat(sftp.stat(remote + "/d/e").isDirectory()).isTrue();

            assertThat(sftp.glob(remote + "/d/*.txt")).containsExactly(remote + "/d/one.txt");
            assertThat(sftp.glob(remote + "/d/.*.txt")).containsExactly(remote + "/d/.hidden.txt");
            assertThat(sftp.glob(remote + "/d/*/*.txt")).containsExactly(remote + "/d/e/three.txt");
            assertThat(sftp.glob(remote + "/*/{one,two}.*")).containsExactly(remote + "/d/one.txt", remote + "/d/two.log");
            assertThat(sftp.glob(remote + "/d/*.none")).isEmpty();

            conn.run("ln -s one.txt " + remote + "/d/link");
            assertThat(sftp.lstat(remote + "/d/link").isSymbolicLink()).isTrue();
            assertThat(sftp.stat(remote + "/d/link").isRegularFile()).isTrue();

            sftp.rename(remote + "/d/one.txt", remote + "/d/uno.txt");
            assertThat(sftp.exists(remote + "/d/one.txt")).isFalse();
            assertThat(sftp.exists(remote + "/d/uno.txt")).isTrue();
            sftp.rename(remote + "/d/uno.txt", remote + "/d/two.log");
            assertThat(sftp.listdir(remote + "/d")).containsExactly(".hidden.txt", "e", "link", "two.log");

            sftp.remove(remote + "/d/two.log");
            assertThat(sftp.exists(remote + "/d/two.log")).isFalse();
            assertThatThrownBy(() -> sftp.rmdir(remote + "/d/e")).isInstanceOf(SFTPError.class)
                    .satisfies(e -> assertThat(((SFTPError) e).path()).isEqualTo(remote + "/d/e"));
            sftp.rmdir(remote + "/d/e/f");
            assertThat(sftp.listdir(remote + "/d/e")).containsExactly("three.txt");
            sftp.mkdir(remote + "/d/e/f");
            assertThatThrownBy(() -> sftp.mkdir(remote + "/d/e/f")).isInstanceOf(SFTPError.class);
            assertThatThrownBy(() -> sftp.makedirs(remote + "/d/e/three.txt/x")).isInstanceOf(SFTPError.class)
                    .hasMessageContaining("not a directory");
            return null;
        });
    }

    /** A missing remote file is SFTPError NO_SUCH_FILE naming the path, and leaves no local file. */
    @Test
    void missingFileIsNoSuchFile() {
        String missing = remote + "/no-such-file";
        withSftp((conn, sftp) -> {
            assertThatThrownBy(() -> sftp.get(missing, dir.resolve("out"))).isInstanceOf(SFTPError.class)
                    .hasMessageContaining(missing)
                    .satisfies(e -> {
                        assertThat(((SFTPError) e).code()).isEqualTo(SFTPError.NO_SUCH_FILE);
                        assertThat(((SFTPError) e).path()).isEqualTo(missing);
                    });
            assertThatThrownBy(() -> sftp.stat(missing)).isInstanceOf(SFTPError.class)
                    .satisfies(e -> assertThat(((SFTPError) e).code()).isEqualTo(SFTPError.NO_SUCH_FILE));
            assertThatThrownBy(() -> sftp.remove(missing)).isInstanceOf(SFTPError.class);
            assertThatThrownBy(() -> sftp.listdir(missing)).isInstanceOf(SFTPError.class);
            assertThat(sftp.exists(missing)).isFalse();
            assertThat(sftp.glob(missing + "/*")).isEmpty();
            return null;
        });
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Cancelling a running put never leaves a partly written remote file. The cancel comes from the
     * first progress report, which reaches the loop asynchronously: on a fast machine the whole upload
     * can be done (and kept, like any finished to_thread job) before it does, so the file is then
     * either absent or complete.
     */
    @Test
    void cancelledPutLeavesNoRemoteFile() throws IOException {
        Path src = dir.resolve("src.bin");
        randomFile(src, 64L * 1024 * 1024);
        withSftp((conn, sftp) -> {
            Task<?>[] self = new Task<?>[1];
            self[0] = Asyncio.createTask(() -> {
                sftp.put(src, remote + "/up.bin", SFTPCopyOptions.defaults().progress((s, d, done, total) -> {
                    if (done > 0) {
                        self[0].cancel();
                    }
                }));
                return null;
            });
            assertThatThrownBy(() -> Asyncio.await(self[0])).isInstanceOf(CancelledError.class);
            if (!sftp.listdir(remote).isEmpty()) {
                assertThat(sftp.listdir(remote)).containsExactly("up.bin");
                assertThat(sftp.stat(remote + "/up.bin").size()).as("never a partial upload").isEqualTo(Files.size(src));
            }
            return null;
        });
    }

    /** Cancelling a running get leaves the old destination untouched and no partial file anywhere. */
    @Test
    void cancelledGetLeavesNoPartialFile() throws IOException {
        Path dest = dir.resolve("dest.bin");
        Files.writeString(dest, "previous contents");
        long[] seen = {0};
        withSftp((conn, sftp) -> {
            conn.run("head -c 100000000 /dev/zero > " + remote + "/zeros", SSHRunOptions.defaults().check(true));
            Task<?>[] self = new Task<?>[1];
            self[0] = Asyncio.createTask(() -> {
                sftp.get(remote + "/zeros", dest, SFTPCopyOptions.defaults().progress((s, d, done, total) -> {
                    seen[0] = Math.max(seen[0], done);
                    if (done > 0) {
                        self[0].cancel();
                    }
                }));
                return null;
            });
            assertThatThrownBy(() -> Asyncio.await(self[0])).isInstanceOf(CancelledError.class);
            assertThat(sftp.exists(remote + "/zeros")).isTrue();
            return null;
        });
        assertThat(seen[0]).isPositive();
        if (Files.size(dest) != 100_000_000L) {
            // the cancel took effect mid-transfer (else the whole download won the race and was kept)
            assertThat(Files.readString(dest)).isEqualTo("previous contents");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dest);
        }
    }
}
