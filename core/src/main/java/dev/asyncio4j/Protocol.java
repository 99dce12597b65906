package dev.asyncio4j;

import java.nio.ByteBuffer;

/**
 * The receiving side of a {@link Transport}: asyncio's {@code Protocol}. The transport calls these
 * methods on its loop, in the order connectionMade, dataReceived*, eofReceived?, connectionLost.
 * Most code uses {@link StreamReader}/{@link StreamWriter} instead; a protocol is the lower level
 * that those streams, subprocess pipes and SSH channels share.
 *
 * <pre>{@code
 * class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void dataReceived(ByteBuffer data) { transport.write(data); }
 * }
 * }</pre>
 */
public interface Protocol {

    /**
     * Called once when the connection is established.
     *
     * @param transport the transport to write to
     */
    default void connectionMade(Transport transport) {
    }

    /**
     * Called with bytes received. The buffer is only valid during the call: copy what you keep.
     *
     * @param data the bytes received, positioned at the first one
     */
    default void dataReceived(ByteBuffer data) {
    }

    /**
     * Called when the peer has sent everything (it closed or shut down its write side).
     *
     * @return true to keep the transport open for writing (a half-closed connection); false lets the
     *         transport close itself
     */
    default boolean eofReceived() {
        return false;
    }

    /**
     * Called once when the connection is closed.
     *
     * @param error why, or {@code null} for a regular close or EOF
     */
    default void connectionLost(Throwable error) {
    }

    /** Called when the transport's write buffer rises above its high-water mark. */
    default void pauseWriting() {
    }

    /** Called when the transport's write buffer drains to its low-water mark after a pause. */
    default void resumeWriting() {
    }
}
