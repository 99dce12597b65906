package dev.asyncio4j.ssh;

import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import java.util.Map;

/**
 * One exec request on an {@link SSHServer}, as its {@link SSHServerHandler} sees it: asyncssh's
 * {@code SSHServerProcess}. The client's stdin arrives on {@link #stdin()}; what is written to
 * {@link #stdout()} and {@link #stderr()} goes to the client, with SSH flow control both ways
 * ({@code drain()} waits for the client's window). Loop-confined.
 */
public interface SSHServerProcess {

    /** @return the command line the client asked to run */
    String command();

    /** @return the user name the client logged in as */
    String username();

    /** @return the environment variables the client sent (an unmodifiable copy) */
    Map<String, String> env();

    /** @return the client's stdin; at EOF once the client sent EOF or closed the channel */
    StreamReader stdin();

    /** @return the client's stdout */
    StreamWriter stdout();

    /** @return the client's stderr */
    StreamWriter stderr();

    /**
     * Sends what is buffered on stdout and stderr, then the exit status, and closes the channel; from a
     * task it waits until the output has been sent. Later calls do nothing.
     *
     * @param status the exit status, 0 to 255
     * @throws IllegalArgumentException if the status is out of range
     */
    void exit(int status);
}
