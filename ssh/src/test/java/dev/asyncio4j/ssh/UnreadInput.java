package dev.asyncio4j.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/** The check, shared by the OpenSSH and SSH.listen tests, that run() copes with a command leaving its stdin unread. */
final class UnreadInput {
    private UnreadInput() {
    }

    /**
     * Runs {@code head -c 10} and {@code echo early; exit 5} with {@code mebibytes} MiB of input: each returns
     * its status and output (the unsent input is dropped, nothing hangs), and the connection stays usable.
     */
    static void assertRunDropsUnreadInput(SSHClientConnection conn, int mebibytes) throws IOException {
        byte[] input = new byte[mebibytes << 20];
        Arrays.fill(input, (byte) 'x');
        SSHRunOptions options = SSHRunOptions.defaults().input(input).timeout(Duration.ofSeconds(120));
        SSHCompletedProcess head = conn.run("head -c 10", options);
        assertThat(head.exitStatus()).isZero();
        assertThat(head.stdout()).isEqualTo("xxxxxxxxxx");
        SSHCompletedProcess early = conn.run("echo early; exit 5", options);
        assertThat(early.exitStatus()).isEqualTo(5);
        assertThat(early.stdout()).isEqualTo("early\n");
        assertThat(conn.run("echo still usable").stdout()).isEqualTo("still usable\n");
    }
}
