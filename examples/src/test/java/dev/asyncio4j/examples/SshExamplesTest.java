package dev.asyncio4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The seed's two asyncssh programs against the embedded server, and their failure path. */
class SshExamplesTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Function<List<PrintStream>, Integer> program) {
        return program.apply(List.of(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8)));
    }

    /** conn.run('dmidecode -t system') prints the record the server sent. */
    @Test
    void sshRunPrintsTheCommandsStdout() {
        assertThat(run(s -> SshRun.run(s.get(0), s.get(1), List.of(), null))).isZero();

        assertThat(out.toString(UTF_8)).isEqualTo(SshDemo.SYSTEM_RECORD);
        assertThat(err.toString(UTF_8)).isEmpty();
    }

    /** The sudo variant gets the same record: the server saw the right password on stdin. */
    @Test
    void sshSudoRunPassesSudoThePasswordOnStdin() {
        assertThat(run(s -> SshSudoRun.run(s.get(0), s.get(1), List.of(), null))).isZero();

        assertThat(out.toString(UTF_8)).isEqualTo(SshDemo.SYSTEM_RECORD);
        assertThat(err.toString(UTF_8)).isEmpty();
    }

    /** Nothing listening: the seed's message and status 1. */
    @Test
    void aFailedConnectionIsReportedAsTheSeedDoes() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String closedPort = Integer.toString(port);
        assertThat(run(s -> SshRun.run(s.get(0), s.get(1), List.of("127.0.0.1", closedPort, "nobody"), "pw"))).isEqualTo(1);

        assertThat(err.toString(UTF_8)).startsWith("SSH connection failed: ").contains("127.0.0.1:" + closedPort);
        assertThat(out.toString(UTF_8)).isEmpty();
    }
}
