package dev.asyncio4j;

import java.io.IOException;

/**
 * A running child process driven by an event loop: asyncio's {@code SubprocessTransport}. Each piped
 * standard stream is a {@link Transport} of its own ({@link #getPipeTransport}), so
 * {@link StreamReader} and {@link StreamWriter} sit on it exactly as on a socket. Every method must be
 * called on the transport's loop.
 *
 * <pre>{@code
 * SubprocessTransport t = loop.subprocessExec(MyProtocol::new, List.of("cat"), SubprocessOptions.pipes());
 * t.getPipeTransport(0).write("hello".getBytes(UTF_8));
 * t.getPipeTransport(0).close();
 * }</pre>
 *
 * <p><b>Signals.</b> Return codes follow asyncio: a child ended by signal N reports {@code -N}. The
 * JDK reports such a child as exit status {@code 128 + N}, which a child can also produce with
 * {@code exit(128 + N)}; the two cannot be told apart, so every status from 129 to 192 is read as
 * a signal (the shell's convention). Only POSIX systems have signals; on Windows the status is
 * reported as is.
 */
public interface SubprocessTransport extends AutoCloseable {

    /**
     * The child's process id.
     *
     * @return the pid
     */
    long getPid();

    /**
     * The child's return code.
     *
     * @return {@code null} while it runs; its exit status; or {@code -N} if signal N ended it
     */
    Integer getReturncode();

    /**
     * The transport of one of the child's standard streams.
     *
     * @param fd 0 (stdin: write-only), 1 (stdout) or 2 (stderr: read-only)
     * @return the pipe's transport, or {@code null} if that stream is not a
     *         {@link SubprocessOptions.Redirect#PIPE}
     * @throws IllegalArgumentException if {@code fd} is not 0, 1 or 2
     */
    Transport getPipeTransport(int fd);

    /**
     * Sends signal {@code signal} to the child. SIGTERM (15) and SIGKILL (9) go through the JDK's
     * {@link ProcessHandle}; the JDK has no call for other signals, so they are sent by running
     * {@code kill -<signal> <pid>} off the loop, and this method then suspends the calling task until
     * it has run.
     *
     * @param signal a POSIX signal number, 1 to 64
     * @return true if the signal was sent; false if the child had already exited
     * @throws IOException              if the {@code kill} command failed
     * @throws IllegalArgumentException if {@code signal} is out of range
     * @throws IllegalStateException    for a signal other than 9 and 15 outside a task
     */
    boolean sendSignal(int signal) throws IOException;

    /**
     * Asks the child to terminate: SIGTERM on POSIX.
     *
     * @return true if requested; false if the child had already exited
     */
    boolean terminate();

    /**
     * Kills the child: SIGKILL on POSIX.
     *
     * @return true if requested; false if the child had already exited
     */
    boolean kill();

    /**
     * Closes the pipes and kills the child if it still runs (asyncio's {@code close()}). Does not wait;
     * the protocol's connectionLost follows once the child has exited and the pipes' threads have
     * ended. Idempotent.
     */
    @Override
    void close();

    /**
     * Whether {@link #close()} was called.
     *
     * @return true after close
     */
    boolean isClosing();

    /**
     * Transport information: {@code "pid"} (a Long), {@code "subprocess"} (the {@link Process}).
     *
     * @param name the key
     * @return the value, or {@code null}
     */
    Object getExtraInfo(String name);

    /**
     * The protocol receiving this transport's events.
     *
     * @return the protocol
     */
    SubprocessProtocol getProtocol();
}
