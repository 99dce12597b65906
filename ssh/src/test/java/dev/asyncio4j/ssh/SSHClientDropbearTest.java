package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Task;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The client against Dropbear 2022.83 (the {@code dropbear} instance of scripts/sshd-env) with the
 * cases of {@link RealServerContract}: a server with a 24 KiB receive window, host keys made by
 * dropbearkey, no env requests, and a channel-close bug that limits it to one session channel at a time
 * (see ServerCompat).
 */
class SSHClientDropbearTest extends RealServerContract {
    @Override
    String instance() {
        return "dropbear";
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

    /** Dropbear refuses env requests; the command still runs, without the variable. */
    @Test
    void environmentVariablesAreNotPassed() {
        SSHCompletedProcess p = withKey(conn -> conn.run("echo \"[$A4J_X]\"",
                SSHRunOptions.defaults().env("A4J_X", "from-env").check(true)));
        assertThat(p.stdout()).isEqualTo("[]\n");
    }
}
