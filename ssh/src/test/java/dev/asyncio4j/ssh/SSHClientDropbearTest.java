package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Server;
import dev.asyncio4j.StreamPair;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against Dropbear 2022.83 (the {@code dropbear} instance of scripts/sshd-env): a server
 * with other algorithms, a 24 KiB receive window, a channel table of 100 and its own exit-signal and
 * close ordering.
 */
class SSHClientDropbearTest {
    private static final Duration LOGIN = Duration.ofSeconds(60);
    private static final String LOOPBACK = "127.0.0.1";

    @TempDir
    Path dir;
    private SshdEnv env;

    @BeforeEach
    void dropbear() {
        env = SshdEnv.require("dropbear");
    }

    private interface Body<T> {
        T run(SSHClientConnection conn) throws Exception;
    }

    /** Options for the Dropbear instance: no config file, no agent, the environment's known_hosts. */
    private SSHOptions base() {
        return SSHOptions.defaults().port(env.port("dropbear")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).loginTimeout(LOGIN);
    }

    private <T> T with(SSHOptions options, Body<T> body) {
        return Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                return body.run(conn);
            }
        });
    }

    private <T> T withKey(Body<T> body) {
        return with(base().clientKeys(env.key("id_ed25519")), body);
    }

    private String whoami(SSHOptions options) {
        return with(options, conn -> conn.run("whoami").stdout().strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"id_ed25519", "id_ecdsa", "id_rsa", "id_ecdsa_pem"})
    void keyAuthWithEachKeyType(String key) {
        assertThat(whoami(base().clientKeys(env.key(key)))).isEqualTo(env.user());
    }

    @Test
    void encryptedKeyWithPassphrase() {
        assertThat(whoami(base().clientKeys(env.key("id_ed25519_enc")).passphrase(env.passphrase()))).isEqualTo(env.user());
    }

    /** Each of Dropbear's host key types is accepted when it is the only one known. */
    @ParameterizedTest
    @ValueSource(strings = {"ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519"})
    void hostKnownByOneKeyType(String type) throws Exception {
        Path kh = dir.resolve("known_hosts");
        String prefix = "[127.0.0.1]:" + env.port("dropbear") + " " + type + " ";
        List<String> lines = Files.readAllLines(env.knownHosts()).stream().filter(l -> l.startsWith(prefix)).toList();
        assertThat(lines).hasSize(1);
        Files.write(kh, lines);
        assertThat(whoami(base().knownHosts(kh).clientKeys(env.key("id_ed25519")))).isEqualTo(env.user());
    }

    @Test
    void passwordAuth() {
        assertThat(whoami(base().clientKeys(List.of()).password(env.password()))).isEqualTo(env.user());
    }

    @Test
    void wrongPasswordIsPermissionDenied() {
        String wrong = "wrong-" + env.password();
        assertThatThrownBy(() -> whoami(base().clientKeys(List.of()).password(wrong)))
                .isInstanceOf(PermissionDenied.class)
                .hasMessageContaining(env.user() + "@127.0.0.1:" + env.port("dropbear"))
                .hasMessageContaining("permission denied")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(env.password()));
    }

    @Test
    void unknownHostKeyRefused() {
        Path empty = dir.resolve("known_hosts");
        assertThatThrownBy(() -> whoami(base().knownHosts(empty).clientKeys(env.key("id_ed25519"))))
                .isInstanceOfSatisfying(HostKeyNotVerifiable.class, e -> {
                    assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.UNKNOWN);
                    assertThat(e.host()).isEqualTo("[127.0.0.1]:" + env.port("dropbear"));
                });
        assertThat(empty).doesNotExist();
    }

    @Test
    void exitStatusOutputAndInput() {
        withKey(conn -> {
            SSHCompletedProcess p = conn.run("echo out; echo err >&2; exit 3");
            assertThat(p.exitStatus()).isEqualTo(3);
            assertThat(p.exitSignal()).isNull();
            assertThat(p.stdout()).isEqualTo("out\n");
            assertThat(p.stderr()).isEqualTo("err\n");
            SSHCompletedProcess cat = conn.run("cat; echo done", SSHRunOptions.defaults().input("line 1\nline 2\n"));
            assertThat(cat.stdout()).isEqualTo("line 1\nline 2\ndone\n");
            assertThat(conn.run("cat").stdout()).isEmpty();
            assertThat(conn.run("true").exitStatus()).isZero();
            return null;
        });
    }

    @Test
    void checkRaisesProcessError() {
        assertThatThrownBy(() -> withKey(conn -> conn.run("echo partial; echo bad >&2; exit 2",
                SSHRunOptions.defaults().check(true))))
                .isInstanceOfSatisfying(ProcessError.class, e -> {
                    assertThat(e.exitStatus()).isEqualTo(2);
                    assertThat(e.stdout()).isEqualTo("partial\n");
                    assertThat(e.stderr()).isEqualTo("bad\n");
                });
    }

    /** Dropbear reports a command killed by a signal as exit-signal with the bare name, as OpenSSH does. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "KILL", "HUP"})
    void exitSignal(String signal) {
        SSHCompletedProcess p = withKey(conn -> conn.run("kill -" + signal + " $$"));
        assertThat(p.exitStatus()).isNull();
        assertThat(p.exitSignal()).isEqualTo(signal);
        assertThat(p.returncode()).isNegative();
    }

    /** Megabytes of output through Dropbear's small window: every line arrives, in order. */
    @Test
    void megabytesOfOutputStreamed() {
        int lines = 600_000;
        SSHCompletedProcess p = withKey(conn -> conn.run("seq 1 " + lines + "; seq 1 1000 >&2"));
        String expected = IntStream.rangeClosed(1, lines).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        assertThat(p.stdout().length()).isEqualTo(expected.length()).isGreaterThan(4_000_000);
        assertThat(p.stdout()).isEqualTo(expected);
        assertThat(p.stderr().lines().count()).isEqualTo(1000);
        assertThat(p.exitStatus()).isZero();
    }

    /** 4 MB through cat in both directions at once: what comes back is what went in. */
    @Test
    void createProcessThroughCat() {
        byte[] data = new byte[4 << 20];
        new Random(11).nextBytes(data);
        withKey(conn -> {
            try (SSHClientProcess p = conn.createProcess("cat")) {
                Task<byte[]> out = Asyncio.createTask(() -> p.stdout().read(-1));
                for (int off = 0; off < data.length; off += 100_000) {
                    p.stdin().write(Arrays.copyOfRange(data, off, Math.min(data.length, off + 100_000)));
                    p.stdin().drain();
                }
                p.stdin().writeEof();
                assertThat(Arrays.equals(await(out), data)).isTrue();
                assertThat(p.waitExit()).isZero();
            }
            try (SSHClientProcess p = conn.createProcess("head -n 1; echo second")) {
                p.stdin().write("first\nunread\n".getBytes(UTF_8));
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("first\n");
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("second\n");
                assertThat(p.waitExit()).isZero();
            }
            return null;
        });
    }

    /** A hung command under a timeout: TimeoutError, the channel is closed, the connection stays usable. */
    @Test
    void timeoutClosesTheChannel() {
        withKey(conn -> {
            assertThatThrownBy(() -> conn.run("sleep 600", SSHRunOptions.defaults().timeout(Duration.ofSeconds(1))))
                    .isInstanceOf(TimeoutError.class).hasMessageContaining("sleep 600");
            assertThat(conn.run("echo still-open").stdout()).isEqualTo("still-open\n");
            return null;
        });
    }

    /**
     * Many quick commands at once, with a cap above their number: all report their output and status.
     * Dropbear 2022.83 closes (or dies on) a channel opened while another command exits, so the
     * client opens one session channel at a time there whatever maxSessions asks.
     */
    @Test
    void concurrentQuickCommandsOnOneConnection() {
        int n = 40;
        List<String> outs = with(base().clientKeys(env.key("id_ed25519")).maxSessions(n), conn -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                tasks.add(Asyncio.createTask(() -> {
                    SSHCompletedProcess p = conn.run("echo " + k, SSHRunOptions.defaults().check(true));
                    return p.stdout().strip();
                }));
            }
            return await(Asyncio.gather(tasks));
        });
        assertThat(outs).isEqualTo(IntStream.range(0, n).mapToObj(Integer::toString).toList());
    }

    /** An SFTP session holds the only channel slot: a command queued behind it runs once it closes. */
    @Test
    void commandWaitsForTheSftpSession() {
        String out = withKey(conn -> {
            Task<String> later;
            try (SFTPClient sftp = conn.startSftpClient()) {
                later = Asyncio.createTask(() -> conn.run("echo after-sftp").stdout());
                Asyncio.sleep(Duration.ofMillis(200));
                assertThat(later.isDone()).isFalse();
                assertThat(sftp.exists("/tmp")).isTrue();
            }
            return await(later);
        });
        assertThat(out).isEqualTo("after-sftp\n");
    }

    @Test
    void sftpRoundTrip() throws Exception {
        Path local = dir.resolve("up.bin");
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Files.write(local, data);
        Path back = dir.resolve("down.bin");
        withKey(conn -> {
            String remote = conn.run("mktemp -d /tmp/a4j-dropbear.XXXXXX", SSHRunOptions.defaults().check(true)).stdout().strip();
            try (SFTPClient sftp = conn.startSftpClient()) {
                sftp.mkdir(remote + "/sub");
                sftp.put(local, remote + "/sub/f.bin");
                assertThat(sftp.listdir(remote + "/sub")).containsExactly("f.bin");
                assertThat(sftp.stat(remote + "/sub/f.bin").size()).isEqualTo(data.length);
                sftp.get(remote + "/sub/f.bin", back);
                assertThatThrownBy(() -> sftp.stat(remote + "/missing")).isInstanceOf(SFTPError.class);
            } finally {
                conn.run("rm -rf '" + remote + "'");
            }
            return null;
        });
        assertThat(Files.readAllBytes(back)).isEqualTo(data);
    }

    @Test
    void localPortForwarding() {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        withKey(conn -> {
            Server echo = Asyncio.startServer((r, w) -> {
                for (byte[] chunk; (chunk = r.read(65536)).length > 0;) {
                    w.write(chunk);
                    w.drain();
                }
                w.close();
            }, LOOPBACK, 0);
            try (SSHForwardListener fwd = conn.forwardLocalPort(LOOPBACK, 0, LOOPBACK, echo.port())) {
                for (int i = 0; i < 2; i++) {
                    try (StreamPair s = Asyncio.openConnection(LOOPBACK, fwd.port())) {
                        Task<byte[]> back = Asyncio.createTask(() -> s.reader().readexactly(data.length));
                        s.writer().write(data);
                        s.writer().drain();
                        assertThat(Arrays.equals(await(back), data)).isTrue();
                    }
                }
            } finally {
                echo.close();
                echo.waitClosed();
            }
            return null;
        });
    }
}
