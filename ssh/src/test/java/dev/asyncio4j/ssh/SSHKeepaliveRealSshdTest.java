package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keepalive ({@code SSHOptions.keepalive}, OpenSSH's ServerAliveInterval / ServerAliveCountMax) against
 * the real OpenSSH server of scripts/sshd-env, reached through a relay that can turn into a network
 * black hole (the TCP connection stays open but nothing comes back).
 */
class SSHKeepaliveRealSshdTest {
    /** Guards against a hang; far above the few seconds the keepalive needs. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private SshdEnv env;

    @BeforeEach
    void sshd() {
        env = SshdEnv.require();
    }

    @TempDir
    Path dir;

    private SSHOptions options() {
        return SSHOptions.defaults().port(env.port("main")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).clientKeys(env.key("id_ed25519")).loginTimeout(Duration.ofSeconds(60));
    }

    /** Options for connecting through the relay, which presents the main server's host keys. */
    private SSHOptions options(BlackHoleRelay relay) throws IOException {
        String main = "[" + env.host() + "]:" + env.port("main") + " ";
        List<String> keys = Files.readAllLines(env.knownHosts()).stream().filter(l -> l.startsWith(main))
                .map(l -> "[" + env.host() + "]:" + relay.port() + " " + l.substring(main.length())).toList();
        Path knownHosts = Files.write(dir.resolve("known_hosts_" + relay.port()), keys);
        return options().port(relay.port()).knownHosts(knownHosts);
    }

    /**
     * When the server stops answering, a connection with keepalive 1 s x 2 fails on its own (MINA gives
     * up at the third tick; the 60 s guard only catches a hang): a run() waiting for output and a
     * createProcess reader both get ConnectionLost naming the unanswered keepalives, the connection
     * reports closed, a later command fails at once with ConnectionLost, and no task is left behind.
     */
    @Test
    void blackHoleFailsPendingOperationsWithConnectionLost() throws Exception {
        try (BlackHoleRelay relay = new BlackHoleRelay(env.host(), env.port("main"))) {
            Asyncio.run(() -> {
                try (SSHClientConnection conn = SSH.connect(env.host(),
                        options(relay).keepalive(Duration.ofSeconds(1), 2))) {
                    Task<SSHCompletedProcess> run = Asyncio.createTask(() -> conn.run("sleep 120"));
                    SSHClientProcess cat = conn.createProcess("echo ready; exec cat");
                    assertThat(new String(cat.stdout().readline(), UTF_8)).isEqualTo("ready\n");
                    Task<byte[]> reader = Asyncio.createTask(() -> cat.stdout().read(-1));
                    relay.blackHole();
                    Asyncio.timeout(HANG_GUARD, scope -> {
                        assertThatThrownBy(() -> await(run)).isInstanceOf(ConnectionLost.class)
                                .hasMessage("connection to " + env.host() + " lost while running 'sleep 120': no reply from "
                                        + env.host() + ":" + relay.port() + " to 2 keepalives (one every 1 s)");
                        assertThatThrownBy(() -> await(reader)).isInstanceOf(ConnectionLost.class)
                                .hasMessageContaining("keepalive");
                        assertThatThrownBy(cat::waitExit).isInstanceOf(ConnectionLost.class);
                        return await(conn.waitClosed());
                    });
                    cat.close();
                    assertThat(conn.isOpen()).isFalse();
                    assertThatThrownBy(() -> conn.run("true")).isInstanceOf(ConnectionLost.class)
                            .hasMessageContaining("keepalive");
                    assertThat(Asyncio.allTasks()).containsOnly(Asyncio.currentTask());
                }
                return null;
            });
        }
    }

    /**
     * With a live server, keepalives flow while the connection is idle for several intervals and are
     * answered: the connection stays usable (unanswered, the fourth tick at 2 s would have closed it).
     */
    @Test
    void liveServerKeepsIdleConnectionUp() throws Exception {
        try (BlackHoleRelay relay = new BlackHoleRelay(env.host(), env.port("main"))) {
            Asyncio.run(() -> {
                try (SSHClientConnection conn = SSH.connect(env.host(),
                        options(relay).keepalive(Duration.ofMillis(500), 3))) {
                    assertThat(conn.run("echo before").stdout()).isEqualTo("before\n");
                    long sent = relay.upstreamBytes();
                    Asyncio.sleep(Duration.ofMillis(2500));
                    assertThat(relay.upstreamBytes()).as("keepalives sent while idle").isGreaterThan(sent);
                    assertThat(conn.isOpen()).isTrue();
                    assertThat(conn.run("echo after").stdout()).isEqualTo("after\n");
                }
                return null;
            });
        }
    }

    /** Keepalives interleaved with a command's output leave the output and exit status intact. */
    @Test
    void keepalivesDoNotDisturbOutput() {
        String expected = IntStream.rangeClosed(1, 10).mapToObj(i -> i + "\n").collect(Collectors.joining());
        SSHCompletedProcess p = Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(),
                    options().keepalive(Duration.ofMillis(200), 3))) {
                return conn.run("for i in $(seq 1 10); do echo $i; sleep 0.1; done; seq 1 100000 | md5sum >&2");
            }
        });
        assertThat(p.stdout()).isEqualTo(expected);
        assertThat(p.exitStatus()).isZero();
        assertThat(p.stderr()).startsWith("dea9193b768319cbb4ff1a137ac03113");
    }
}
