package dev.asyncio4j;

import java.nio.ByteBuffer;

/**
 * The receiving side of a {@link SubprocessTransport}: asyncio's {@code SubprocessProtocol}. The
 * transport calls these methods on its loop: connectionMade first; then, per pipe, any number of
 * pipeDataReceived followed by one pipeConnectionLost; processExited once, in any order relative to
 * the pipe events; connectionLost last, once the process has exited and every pipe is closed.
 * {@link Subprocess} is the stream-based layer most code uses instead.
 *
 * <pre>{@code
 * class Collect implements SubprocessProtocol {
 *     final ByteArrayOutputStream out = new ByteArrayOutputStream();
 *     public void pipeDataReceived(int fd, ByteBuffer data) {
 *         byte[] bytes = new byte[data.remaining()];
 *         data.get(bytes);
 *         out.writeBytes(bytes);
 *     }
 * }
 * SubprocessTransport t = loop.subprocessExec(Collect::new, List.of("ls"), SubprocessOptions.pipes());
 * }</pre>
 */
public interface SubprocessProtocol {

    /**
     * Called once, before any other method, when the process has started.
     *
     * @param transport the transport of the process
     */
    default void connectionMade(SubprocessTransport transport) {
    }

    /**
     * Called with bytes the child wrote to stdout (fd 1) or stderr (fd 2). The buffer is only valid
     * during the call: copy what you keep.
     *
     * @param fd   1 or 2
     * @param data the bytes, positioned at the first one
     */
    default void pipeDataReceived(int fd, ByteBuffer data) {
    }

    /**
     * Called once per pipe when it is closed: at end of file for stdout/stderr, when closed by us, or
     * on a write error for stdin.
     *
     * @param fd    0, 1 or 2
     * @param error the failure, or {@code null} for end of file or a regular close
     */
    default void pipeConnectionLost(int fd, Throwable error) {
    }

    /** Called once when the process has exited; {@link SubprocessTransport#getReturncode()} is set. */
    default void processExited() {
    }

    /**
     * Called once, last: the process has exited, its pipes are closed and the threads that served
     * them have ended.
     *
     * @param error always {@code null} today; reserved for a failure of the transport itself
     */
    default void connectionLost(Throwable error) {
    }

    /** Called when the stdin pipe's write buffer rises above its high-water mark. */
    default void pauseWriting() {
    }

    /** Called when the stdin pipe's write buffer drains to its low-water mark after a pause. */
    default void resumeWriting() {
    }
}
