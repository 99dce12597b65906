package dev.asyncio4j.examples;

import dev.asyncio4j.ssh.SSHCompletedProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Running a command over SSH: the seed's asyncssh program "without sudo", which connects with a
 * password, awaits {@code conn.run('dmidecode -t system')} and prints its stdout.
 *
 * <pre>{@code
 * ./scripts/examples SshRun                                   # against the embedded server
 * ASYNCIO4J_SSH_PASSWORD=... java ... SshRun host 22 root     # against a real host
 * }</pre>
 *
 * <p>As in the seed, a failure to connect or log in ends the program with
 * {@code SSH connection failed: <reason>} and status 1.
 */
public final class SshRun {
    private SshRun() {
    }

    /**
     * Runs the program.
     *
     * @param args {@code [host [port [user]]]}; none for the embedded server
     */
    public static void main(String[] args) {
        int status = run(System.out, System.err, List.of(args), null);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs it against the embedded server (the launcher's entry; the unit is unused). */
    static void run(PrintStream out, Duration unit) {
        run(out, System.err, List.of(), null);
    }

    static int run(PrintStream out, PrintStream err, List<String> args, String password) {
        return SshDemo.run(err, args, password, (conn, loginPassword) -> {
            SSHCompletedProcess result = conn.run("dmidecode -t system");
            out.print(result.stdout());
        });
    }
}
