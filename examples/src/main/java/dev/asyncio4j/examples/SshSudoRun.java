package dev.asyncio4j.examples;

import dev.asyncio4j.ssh.SSHCompletedProcess;
import dev.asyncio4j.ssh.SSHRunOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Running a command as root over SSH: the seed's asyncssh program "with sudo", which starts
 * {@code sudo -S -p '' dmidecode -t system}, writes the password to its stdin and prints its output.
 *
 * <pre>{@code
 * ./scripts/examples SshSudoRun                               # against the embedded server
 * ASYNCIO4J_SSH_PASSWORD=... java ... SshSudoRun host 22 lil  # against a real host
 * }</pre>
 *
 * <p>{@link SSHRunOptions#sudo} does the seed's stdin trick: the password goes as the first line of
 * stdin, never into the command line, a log or an exception. A rejected sudo password ends the
 * program with {@code SSH connection failed: ...} and status 1, like a failed login.
 */
public final class SshSudoRun {
    private SshSudoRun() {
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
            SSHCompletedProcess result = conn.run("dmidecode -t system", SSHRunOptions.defaults().sudo(loginPassword));
            out.print(result.stdout());
        });
    }
}
