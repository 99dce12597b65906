package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Server;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the client must do against every real server of scripts/sshd-env: authentication, host key
 * checking, run() and createProcess() semantics, concurrency on one connection, SFTP and local
 * forwarding. A subclass names the instance and adds what is particular to that server.
 */
abstract class RealServerContract {
    static final Duration LOGIN = Duration.ofSeconds(60);
    private static final String LOOPBACK = "127.0.0.1";

    @TempDir
    Path dir;
    SshdEnv env;

    /** @return the scripts/sshd-env instance, e.g. {@code main} or {@code dropbear} */
    abstract String instance();

    @BeforeEach
    void server() {
        env = SshdEnv.require(instance());
    }

    interface Body<T> {
        T run(SSHClientConnection conn) throws Exception;
    }

    /** Options for the instance: no config file, no agent, the environment's known_hosts. */
    SSHOptions base() {
        return SSHOptions.defaults().port(env.port(instance())).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).loginTimeout(LOGIN);
    }

    static <T> T run(Coroutine<T> body) {
        return Asyncio.run(body);
    }

    <T> T with(SSHOptions options, Body<T> body) {
        return run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                return body.run(conn);
            }
        });
    }

    /** Runs the body on a connection authenticated with {@code id_ed25519}. */
    <T> T withKey(Body<T> body) {
        return with(base().clientKeys(env.key("id_ed25519")), body);
    }

    String whoami(SSHOptions options) {
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

    /**
     * A server known by one key type only is asked for that type first, as OpenSSH orders its
     * HostKeyAlgorithms; otherwise it would present another key and be refused as unknown.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519"})
    void hostKnownByOneKeyTypeIsAskedForThatType(String type) throws Exception {
        Path kh = dir.resolve("known_hosts");
        String prefix = "[127.0.0.1]:" + env.port(instance()) + " " + type + " ";
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
                .hasMessageContaining(env.user() + "@127.0.0.1:" + env.port(instance()))
                .hasMessageContaining("permission denied")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(env.password()))
                .satisfies(e -> assertThat(((PermissionDenied) e).code()).isEqualTo(14));
    }

    @Test
    void unknownHostKeyRefusedWithFingerprint() {
        Path empty = dir.resolve("known_hosts");
        int port = env.port(instance());
        assertThatThrownBy(() -> whoami(base().knownHosts(empty).clientKeys(env.key("id_ed25519"))))
                .isInstanceOfSatisfying(HostKeyNotVerifiable.class, e -> {
                    assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.UNKNOWN);
                    assertThat(e.host()).isEqualTo("[127.0.0.1]:" + port);
                    assertThat(e.getMessage()).contains("SHA256:", "HostKeyPolicy.ACCEPT_NEW", "ssh-keyscan -p " + port);
                });
        assertThat(empty).doesNotExist();
    }

    @Test
    void exitStatusOutputAndInput() {
        withKey(conn -> {
            SSHCompletedProcess p = conn.run("echo out; echo err >&2; exit 3");
            assertThat(p.exitStatus()).isEqualTo(3);
            assertThat(p.returncode()).isEqualTo(3);
            assertThat(p.exitSignal()).isNull();
            assertThat(p.stdout()).isEqualTo("out\n");
            assertThat(p.stderr()).isEqualTo("err\n");
            SSHCompletedProcess cat = conn.run("cat; echo done", SSHRunOptions.defaults().input("line 1\nline 2\n"));
            assertThat(cat.stdout()).isEqualTo("line 1\nline 2\ndone\n");
            assertThat(conn.run("cat").stdout()).isEmpty();
            assertThat(conn.run("printf '\\303\\251\\377'").stdoutBytes())
                    .containsExactly((byte) 0xc3, (byte) 0xa9, (byte) 0xff);
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
                    assertThat(e.getMessage()).isEqualTo("Command 'echo partial; echo bad >&2; exit 2' exited with status 2");
                });
    }

    /** A command killed by a signal: exit-signal with the bare name, returncode minus its number. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM:15", "KILL:9", "HUP:1"})
    void exitSignal(String signal) {
        String name = signal.substring(0, signal.indexOf(':'));
        SSHCompletedProcess p = withKey(conn -> conn.run("kill -" + name + " $$"));
        assertThat(p.exitStatus()).isNull();
        assertThat(p.exitSignal()).isEqualTo(name);
        assertThat(p.returncode()).isEqualTo(-Integer.parseInt(signal.substring(signal.indexOf(':') + 1)));
    }

    /** @return whether the server gives a command the pseudo-terminal it is asked for */
    boolean allocatesPty() {
        return true;
    }

    /** With a pty the command runs on a terminal, and its stderr arrives on stdout with CRLF line ends. */
    @Test
    void ptyRequested() {
        Assumptions.assumeTrue(allocatesPty(), "this test server runs commands on pipes only");
        SSHCompletedProcess p = withKey(conn -> conn.run("tty; echo err >&2; exit 4",
                SSHRunOptions.defaults().pty(true).timeout(Duration.ofSeconds(30))));
        assertThat(p.stdout()).matches("/dev/pts/\\d+\r\nerr\r\n");
        assertThat(p.stderr()).isEmpty();
        assertThat(p.exitStatus()).isEqualTo(4);
    }

    /** terminate() sends a signal request: the command ends and its exit signal is reported. */
    @Test
    void terminateDeliversSignal() {
        withKey(conn -> {
            try (SSHClientProcess p = conn.createProcess("echo ready; exec sleep 600")) {
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\n");
                p.terminate();
                assertThat(p.waitExit()).isEqualTo(-15);
                assertThat(p.exitSignal()).isEqualTo("TERM");
                assertThat(p.exitStatus()).isNull();
            }
            return null;
        });
    }

    /** Megabytes of output through the server's window: every line arrives, in order. */
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

    /**
     * A hung command under a timeout: TimeoutError, the command is sent SIGTERM and its channel closed,
     * the connection stays usable.
     */
    @Test
    void timeoutClosesTheChannel() {
        withKey(conn -> {
            assertThatThrownBy(() -> conn.run("sleep 611", SSHRunOptions.defaults().timeout(Duration.ofSeconds(1))))
                    .isInstanceOf(TimeoutError.class).hasMessageContaining("sleep 611").hasMessageContaining("SIGTERM");
            assertThat(conn.run("echo still-open").stdout()).isEqualTo("still-open\n");
            assertThat(gone(conn, "sleep 61[1]")).isTrue();
            return null;
        });
    }

    /** Whether no process of the test user matches {@code pattern} (pgrep -f), waiting up to 10 s for it to end. */
    static boolean gone(SSHClientConnection conn, String pattern) throws IOException {
        return conn.run("for i in $(seq 100); do pgrep -u \"$(id -u)\" -f '" + pattern + "' >/dev/null || exit 0;"
                + " sleep 0.1; done; exit 1").exitStatus() == 0;
    }

    /**
     * Keepalive requests every 200 ms over 1.5 s of silence, with one unanswered tolerated: the server's
     * replies (a failure for the unknown request counts as an answer) keep the connection open.
     */
    @Test
    void keepaliveAnsweredBetweenCommands() {
        with(base().clientKeys(env.key("id_ed25519")).keepalive(Duration.ofMillis(200), 1), conn -> {
            assertThat(conn.run("echo one").stdout()).isEqualTo("one\n");
            Asyncio.sleep(Duration.ofMillis(1500));
            assertThat(conn.isOpen()).isTrue();
            assertThat(conn.run("echo two").stdout()).isEqualTo("two\n");
            return null;
        });
    }

    /** Many quick commands at once on one connection: each reports its own output and status. */
    @Test
    void concurrentQuickCommandsOnOneConnection() {
        int n = 40;
        List<String> outs = with(base().clientKeys(env.key("id_ed25519")).maxSessions(n), conn -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                tasks.add(Asyncio.createTask(() -> conn.run("echo " + k, SSHRunOptions.defaults().check(true)).stdout().strip()));
            }
            return await(Asyncio.gather(tasks));
        });
        assertThat(outs).isEqualTo(IntStream.range(0, n).mapToObj(Integer::toString).toList());
    }

    @Test
    void sftpRoundTrip() throws Exception {
        Path local = dir.resolve("up.bin");
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Files.write(local, data);
        Path back = dir.resolve("down.bin");
        withKey(conn -> {
            String remote = conn.run("mktemp -d /tmp/a4j-contract.XXXXXX", SSHRunOptions.defaults().check(true)).stdout().strip();
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
        withEcho((conn, echoPort) -> {
            try (SSHForwardListener fwd = conn.forwardLocalPort(LOOPBACK, 0, LOOPBACK, echoPort)) {
                assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, fwd.port()), data)).isTrue();
                assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, fwd.port()), "again".getBytes(UTF_8))).isTrue();
            }
        });
    }

    /**
     * A remote forward of port 0: a connection to the port the server bound reaches our echo server.
     * (asyncssh 2.10 names port 0, not the bound port, when it opens the forwarded channel.)
     */
    @Test
    void remotePortForwardingOfPortZero() {
        withEcho((conn, echoPort) -> {
            try (SSHForwardListener fwd = conn.forwardRemotePort(LOOPBACK, 0, LOOPBACK, echoPort)) {
                assertThat(fwd.port()).isPositive().isNotEqualTo(echoPort);
                for (int i = 0; i < 2; i++) {
                    assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, fwd.port()), ("hop " + i).getBytes(UTF_8))).isTrue();
                }
            }
        });
    }

    private interface EchoBody {
        void run(SSHClientConnection conn, int echoPort) throws Exception;
    }

    /** Runs the body on a connection, with an echo server on 127.0.0.1. */
    private void withEcho(EchoBody body) {
        withKey(conn -> {
            Server echo = Echo.start();
            try {
                body.run(conn, echo.port());
            } finally {
                echo.close();
                echo.waitClosed();
            }
            return null;
        });
    }
}
