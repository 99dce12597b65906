package dev.asyncio4j.ssh;

/**
 * A command run with {@code check} ended with a non-zero status or by a signal: carries the whole
 * {@link SSHCompletedProcess} (command, exit status and signal, stdout, stderr), as asyncssh's
 * {@code ProcessError} does.
 */
public final class ProcessError extends SSHException {
    private static final long serialVersionUID = 1L;

    private final transient SSHCompletedProcess process;

    /**
     * Creates the error for a failed process.
     *
     * @param process the completed process
     */
    public ProcessError(SSHCompletedProcess process) {
        super(describe(process));
        this.process = process;
    }

    private static String describe(SSHCompletedProcess p) {
        String how = p.exitSignal() != null ? "was killed by signal " + p.exitSignal()
                : p.exitStatus() != null ? "exited with status " + p.exitStatus()
                : "ended without an exit status";
        return "Command '" + p.command() + "' " + how;
    }

    /**
     * Returns the completed process.
     *
     * @return the process, with its output
     */
    public SSHCompletedProcess process() {
        return process;
    }

    /**
     * Returns the command line.
     *
     * @return the command
     */
    public String command() {
        return process.command();
    }

    /**
     * Returns the exit status.
     *
     * @return the status, or {@code null} when killed by a signal
     */
    public Integer exitStatus() {
        return process.exitStatus();
    }

    /**
     * Returns the signal that ended the process.
     *
     * @return the signal name, or {@code null}
     */
    public String exitSignal() {
        return process.exitSignal();
    }

    /**
     * Returns asyncssh's {@code returncode}.
     *
     * @return see {@link SSHCompletedProcess#returncode()}
     */
    public int returncode() {
        return process.returncode();
    }

    /**
     * Returns stdout decoded as UTF-8.
     *
     * @return the output text
     */
    public String stdout() {
        return process.stdout();
    }

    /**
     * Returns stderr decoded as UTF-8.
     *
     * @return the error text
     */
    public String stderr() {
        return process.stderr();
    }
}
