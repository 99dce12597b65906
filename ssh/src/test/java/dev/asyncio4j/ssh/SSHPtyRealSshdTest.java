package dev.asyncio4j.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands on a pseudo-terminal ({@code SSHRunOptions.pty(true)}) against the real OpenSSH server of
 * scripts/sshd-env. A terminal changes what the command sees and sends: {@code \n} becomes
 * {@code \r\n}, stderr shares stdout, input is echoed, and ^C / ^D are the terminal's interrupt and
 * end-of-file.
 */
class SSHPtyRealSshdTest {
    private static final SSHRunOptions PTY = SSHRunOptions.defaults().pty(true).timeout(Duration.ofSeconds(60));

    private SshdEnv env;

    @BeforeEach
    void sshd() {
        env = SshdEnv.require();
    }

    private interface Body {
        void run(SSHClientConnection conn) throws Exception;
    }

    private void withConnection(Body body) {
        SSHOptions options = SSHOptions.defaults().port(env.port("main")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).clientKeys(env.key("id_ed25519")).loginTimeout(Duration.ofSeconds(60));
        Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                body.run(conn);
            }
            return null;
        });
    }

    /** `tty` names a /dev/pts device with a pty and says "not a tty" (status 1) without one. */
    @Test
    void ttySeesATerminalOnlyWithPty() {
        withConnection(conn -> {
            SSHCompletedProcess withPty = conn.run("tty", PTY);
            assertThat(withPty.stdout()).matches("/dev/pts/\\d+\r\n");
            assertThat(withPty.exitStatus()).isZero();
            SSHCompletedProcess without = conn.run("tty");
            assertThat(without.stdout()).isEqualTo("not a tty\n");
            assertThat(without.exitStatus()).isEqualTo(1);
        });
    }

    /** On a pty stderr arrives in stdout, in order; the terminal is an 80x24 xterm. */
    @Test
    void stderrMergedIntoStdoutOnAnXterm() {
        withConnection(conn -> {
            SSHCompletedProcess p = conn.run("echo out; echo err >&2; echo $TERM; stty size", PTY);
            assertThat(p.stdout()).isEqualTo("out\r\nerr\r\nxterm\r\n24 80\r\n");
            assertThat(p.stderr()).isEmpty();
            assertThat(p.exitStatus()).isZero();
        });
    }

    /**
     * run()'s input reaches a pty command and then ends it, although sshd ignores the channel's EOF on a
     * terminal: the terminal echoes the input, and its EOF character (after a partial last line too)
     * ends the command's read.
     */
    @Test
    void inputThenEndOfFileOnAPty() {
        withConnection(conn -> {
            SSHCompletedProcess cat = conn.run("cat", PTY.input("one\ntwo\n"));
            assertThat(cat.stdout()).isEqualTo("one\r\ntwo\r\none\r\ntwo\r\n");
            assertThat(cat.exitStatus()).isZero();
            SSHCompletedProcess wc = conn.run("wc -c", PTY.input("abc"));
            assertThat(wc.stdout()).isEqualTo("abc3\r\n");
            SSHCompletedProcess none = conn.run("cat", PTY);
            assertThat(none.stdout()).isEmpty();
            assertThat(none.exitStatus()).isZero();
        });
    }

    /** ^C written to a pty's stdin interrupts the foreground command: it ends by SIGINT. */
    @Test
    void ctrlCInterruptsTheCommand() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("echo ready; sleep 600; echo after", PTY)) {
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\r\n");
                p.stdin().write(new byte[] {3});
                assertThat(p.waitExit()).isEqualTo(-2);
                assertThat(p.exitSignal()).isEqualTo("INT");
                assertThat(new String(p.stdout().read(-1), UTF_8)).doesNotContain("after");
            }
        });
    }

    /** OpenSSH delivers signal requests to a pty command's process group too. */
    @Test
    void terminateAndSignalsOnAPty() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("echo ready; sleep 600; echo after", PTY)) {
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\r\n");
                p.terminate();
                assertThat(p.waitExit()).isEqualTo(-15);
                assertThat(p.exitSignal()).isEqualTo("TERM");
            }
            try (SSHClientProcess p = conn.createProcess("echo ready; exec sleep 600", PTY)) {
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\r\n");
                p.sendSignal("INT");
                assertThat(p.waitExit()).isEqualTo(-2);
                assertThat(p.exitSignal()).isEqualTo("INT");
            }
        });
    }

    /** Closing a pty command's channel makes sshd hang its terminal up: the command is gone soon after. */
    @Test
    void closeHangsUpAPtyCommand() {
        withConnection(conn -> {
            SSHClientProcess p = conn.createProcess("echo $$; exec sleep 600", PTY);
            String pid = new String(p.stdout().readline(), UTF_8).strip();
            assertThat(pid).matches("\\d+");
            p.close();
            // at most 60 s for sshd to hang the terminal up; the loop ends as soon as the process is gone
            SSHCompletedProcess gone = conn.run("for i in $(seq 600); do kill -0 " + pid
                    + " 2>/dev/null || exit 0; sleep 0.1; done; exit 1");
            assertThat(gone.exitStatus()).as("process " + pid + " ended").isZero();
        });
    }
}
