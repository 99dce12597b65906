package dev.asyncio4j.ssh;

/**
 * The Java code an {@link SSHServer} runs for each exec request instead of a shell: asyncssh's
 * {@code process_factory}. It runs as a task of the loop that called {@link SSH#listen}.
 *
 * <pre>{@code
 * SSHServerHandler echo = p -> {
 *     for (byte[] line : p.stdin().lines()) p.stdout().write(line);
 *     p.exit(0);
 * };
 * }</pre>
 *
 * <p>Returning without calling {@link SSHServerProcess#exit} exits with status 0; throwing writes the
 * exception's message to the client's stderr and exits with status 1.
 */
@FunctionalInterface
public interface SSHServerHandler {

    /**
     * Serves one command.
     *
     * @param process the session's command, environment and streams
     * @throws Exception any failure, reported to the client as described above
     */
    void handle(SSHServerProcess process) throws Exception;
}
