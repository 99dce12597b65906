package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Task;
import dev.asyncio4j.ssh.SSH;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHOptions;
import dev.asyncio4j.ssh.SshdEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A burst of 200 connections to one real sshd: all succeed, never more than maxStartups handshaking. */
class ConnectionPacingRealSshdTest {

    @Test
    void twoHundredConcurrentConnectionsAllSucceed() {
        SshdEnv env = SshdEnv.require();
        SSHOptions options = SSHOptions.defaults().port(env.port("main")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).clientKeys(env.key("id_ed25519"))
                .connectTimeout(Duration.ofMinutes(2)).loginTimeout(Duration.ofMinutes(2));
        String dest = env.host() + ":" + env.port("main");
        int[] maxSeen = {0};
        List<Integer> statuses = Asyncio.run(() -> {
            AtomicBoolean running = new AtomicBoolean(true);
            Task<Void> sampler = Asyncio.createTask(() -> {
                while (running.get()) {
                    maxSeen[0] = Math.max(maxSeen[0], HandshakeGate.inFlight(dest));
                    Asyncio.sleep(Duration.ofMillis(2));
                }
                return null;
            });
            List<Task<Integer>> sessions = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sessions.add(Asyncio.createTask(() -> {
                    try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                        return conn.run("true").exitStatus();
                    }
                }));
            }
            try {
                return Asyncio.await(Asyncio.gather(sessions));
            } finally {
                running.set(false);
                Asyncio.await(sampler);
            }
        });
        assertThat(statuses).hasSize(200).containsOnly(0);
        assertThat(maxSeen[0]).isBetween(1, 8);
        assertThat(HandshakeGate.inFlight(dest)).isZero();
    }
}
