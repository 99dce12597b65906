package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against an sshd with OpenSSH's default limits (the env's "jump" instance: MaxSessions 10, MaxStartups
 * 10:30:100): the client queues channels beyond its per-connection cap and paces handshakes per host, so
 * what would be refusals and dropped connections are waits instead.
 */
class ServerLimitsRealSshdTest {
    private SshdEnv env;

    @BeforeEach
    void sshd() {
        env = SshdEnv.require();
    }

    private SSHOptions options() {
        return SSHOptions.defaults().port(env.port("jump")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).clientKeys(env.key("id_ed25519"))
                .connectTimeout(Duration.ofMinutes(2)).loginTimeout(Duration.ofMinutes(2));
    }

    /** Runs 50 overlapping commands on one connection; returns each one's stdout or its exception. */
    private List<Object> fiftyOverlappingRuns(SSHOptions options) {
        return Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                List<Task<String>> runs = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    runs.add(Asyncio.createTask(() -> conn.run("sleep 0.5; echo " + n).stdout().strip()));
                }
                return await(Asyncio.gather(true, runs));
            }
        });
    }

    @Test
    void fiftySessionsOnOneConnectionQueueBehindTheDefaultCap() {
        List<Object> outs = fiftyOverlappingRuns(options());
        assertThat(outs).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(String::valueOf).toList());
    }

    /** A cap above the server's MaxSessions still gets every command through: refusals are waited out. */
    @Test
    void capAboveTheServersLimitWaitsOutRefusals() {
        List<Object> outs = fiftyOverlappingRuns(options().maxSessions(50));
        assertThat(outs).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(String::valueOf).toList());
    }

    /** A refusal that no channel of ours can end (the server's slots are held by SFTP clients) is reported. */
    @Test
    void refusalNothingWillEndIsReported() {
        Object result = Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options().maxSessions(20))) {
                List<SFTPClient> held = new ArrayList<>();
                try {
                    for (int i = 0; i < 10; i++) {
                        held.add(conn.startSftpClient());
                    }
                    return conn.run("true");
                } catch (ChannelOpenError e) {
                    return e;
                } finally {
                    for (SFTPClient c : held) {
                        c.close();
                    }
                }
            }
        });
        assertThat(result).isInstanceOfSatisfying(ChannelOpenError.class,
                e -> assertThat(e.getMessage()).contains("refused a session channel for 'true'"));
    }

    @Test
    void burstOfConnectionsIsPacedUnderDefaultMaxStartups() {
        List<Object> results = Asyncio.run(() -> {
            List<Task<Integer>> sessions = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sessions.add(Asyncio.createTask(() -> {
                    try (SSHClientConnection conn = SSH.connect(env.host(), options())) {
                        return conn.run("true").exitStatus();
                    }
                }));
            }
            return await(Asyncio.gather(true, sessions));
        });
        assertThat(results).hasSize(100).containsOnly(0);
    }

    /** Commands given up on (timeouts) give their server session back: more of them than MaxSessions, then one more. */
    @Test
    void timedOutCommandsDoNotUseUpTheServersSessions() {
        String out = Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options())) {
                for (int i = 0; i < 12; i++) {
                    try {
                        conn.run("sleep 613", SSHRunOptions.defaults().timeout(Duration.ofMillis(300)));
                    } catch (TimeoutError expected) {
                        // the command is sent SIGTERM and its channel closed
                    }
                }
                return conn.run("echo ok", SSHRunOptions.defaults().timeout(Duration.ofSeconds(30))).stdout();
            }
        });
        assertThat(out).isEqualTo("ok\n");
    }
}
