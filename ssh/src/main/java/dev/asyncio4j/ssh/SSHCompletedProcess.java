package dev.asyncio4j.ssh;

import dev.asyncio4j.ssh.internal.Signals;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The result of {@link SSHClientConnection#run}: asyncssh's {@code SSHCompletedProcess}.
 *
 * <pre>{@code
 * SSHCompletedProcess p = conn.run("ls /nonexistent");
 * if (p.returncode() != 0) System.err.print(p.stderr());
 * }</pre>
 *
 * <p>{@link #stdout()} and {@link #stderr()} decode the output as UTF-8 (malformed input replaced);
 * {@link #stdoutBytes()} and {@link #stderrBytes()} give the raw bytes. Immutable and thread-safe.
 */
public final class SSHCompletedProcess {
    private final String command;
    private final Integer exitStatus;
    private final String exitSignal;
    private final byte[] stdout;
    private final byte[] stderr;

    /**
     * Creates a completed process record.
     *
     * @param command    the command line that ran
     * @param exitStatus its exit status, or {@code null} if it ended without one (killed by a signal)
     * @param exitSignal the signal name without {@code SIG} (e.g. {@code "TERM"}), or {@code null}
     * @param stdout     everything it wrote to stdout
     * @param stderr     everything it wrote to stderr
     */
    public SSHCompletedProcess(String command, Integer exitStatus, String exitSignal, byte[] stdout, byte[] stderr) {
        this.command = Objects.requireNonNull(command, "command");
        this.exitStatus = exitStatus;
        this.exitSignal = exitSignal;
        this.stdout = stdout.clone();
        this.stderr = stderr.clone();
    }

    /**
     * Returns the command line that ran.
     *
     * @return the command
     */
    public String command() {
        return command;
    }

    /**
     * Returns the remote exit status.
     *
     * @return the status, or {@code null} when the process ended by a signal or the server sent none
     */
    public Integer exitStatus() {
        return exitStatus;
    }

    /**
     * Returns the signal that ended the process.
     *
     * @return the signal name without {@code SIG} (e.g. {@code "KILL"}), or {@code null}
     */
    public String exitSignal() {
        return exitSignal;
    }

    /**
     * Returns asyncssh's {@code returncode}: the exit status, or minus the signal's number when the
     * process was killed by a signal (as {@code subprocess} does), or -1 when neither is known.
     *
     * @return the return code
     */
    public int returncode() {
        if (exitStatus != null) {
            return exitStatus;
        }
        return exitSignal != null ? -Signals.number(exitSignal) : -1;
    }

    /**
     * Returns stdout decoded as UTF-8.
     *
     * @return the output text
     */
    public String stdout() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /**
     * Returns stderr decoded as UTF-8.
     *
     * @return the error text
     */
    public String stderr() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /**
     * Returns the raw stdout bytes.
     *
     * @return a copy of the bytes
     */
    public byte[] stdoutBytes() {
        return stdout.clone();
    }

    /**
     * Returns the raw stderr bytes.
     *
     * @return a copy of the bytes
     */
    public byte[] stderrBytes() {
        return stderr.clone();
    }

    @Override
    public String toString() {
        return "SSHCompletedProcess[command=" + command + ", exitStatus=" + exitStatus + ", exitSignal=" + exitSignal
                + ", stdout=" + stdout.length + " bytes, stderr=" + stderr.length + " bytes]";
    }
}
