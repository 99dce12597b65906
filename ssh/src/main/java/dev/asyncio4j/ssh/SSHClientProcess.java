package dev.asyncio4j.ssh;

import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import java.io.IOException;

/**
 * A command running on the server with its standard streams as the core's streams: asyncssh's
 * {@code SSHClientProcess}. Made by {@link SSHClientConnection#createProcess}.
 *
 * <pre>{@code
 * try (SSHClientProcess p = conn.createProcess("sort")) {
 *     p.stdin().write("b\na\n".getBytes(UTF_8));
 *     p.stdin().writeEof();
 *     for (byte[] line : p.stdout().lines()) System.out.print(new String(line, UTF_8));
 *     int rc = p.waitExit();
 * }
 * }</pre>
 *
 * <p>Flow control follows the SSH windows both ways: {@code stdin().drain()} waits while the server
 * has not taken what was written, and a reader that falls behind stops the server from sending (its
 * buffer is bounded by the reader's limit), so a stream of any size runs in bounded memory. Read stdout
 * and stderr concurrently (e.g. stderr in its own task) when both may be large. Loop-confined.
 */
public interface SSHClientProcess extends AutoCloseable {

    /** @return the command line */
    String command();

    /**
     * @return the remote stdin; {@code writeEof()} (or {@code close()}) sends EOF, which a command on a
     *         pty does not see (see {@link SSHRunOptions#pty})
     */
    StreamWriter stdin();

    /** @return the remote stdout (with a pty, stderr arrives here too) */
    StreamReader stdout();

    /** @return the remote stderr */
    StreamReader stderr();

    /**
     * Waits until the process has exited and its channel closed: asyncio's {@code Process.wait()}.
     *
     * @return the {@link SSHCompletedProcess#returncode() returncode}
     * @throws ConnectionLost if the connection dropped before the process reported how it ended
     */
    int waitExit() throws IOException;

    /** @return the exit status, or {@code null} while running or when ended by a signal */
    Integer exitStatus();

    /** @return the signal name that ended the process, or {@code null} */
    String exitSignal();

    /**
     * Asks the server to deliver a signal (RFC 4254 6.9). OpenSSH (7.9 and later) sends it to the
     * command's process group, with or without a pty; a server that does not support signals ignores
     * the request, and nothing reports that. With a pty, writing ^C ({@code 0x03}) to stdin interrupts
     * the foreground command as a terminal does.
     *
     * @param name the signal without {@code SIG}, e.g. {@code "TERM"}
     * @throws IOException if the request cannot be sent
     */
    void sendSignal(String name) throws IOException;

    /**
     * Sends {@code TERM}.
     *
     * @throws IOException if the request cannot be sent
     */
    default void terminate() throws IOException {
        sendSignal("TERM");
    }

    /**
     * Sends {@code KILL}.
     *
     * @throws IOException if the request cannot be sent
     */
    default void kill() throws IOException {
        sendSignal("KILL");
    }

    /**
     * Closes the channel: tells the server, does not wait for its answer. Under OpenSSH a command with a
     * pty is hung up (SIGHUP); one without keeps running, seeing end-of-file on stdin and a broken pipe
     * when it writes: {@link #terminate()} first to end it.
     */
    @Override
    void close();
}
