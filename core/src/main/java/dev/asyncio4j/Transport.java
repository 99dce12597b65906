package dev.asyncio4j;

import java.nio.ByteBuffer;

/**
 * A bidirectional byte channel driven by an event loop: asyncio's {@code Transport}. Sockets, TLS
 * sessions, subprocess pipes and SSH channels are transports; a {@link Protocol} receives their
 * events and {@link StreamReader}/{@link StreamWriter} sit on top. Every method must be called on
 * the transport's loop.
 *
 * <p>Writes never block: what the channel does not take at once is buffered, and the protocol's
 * {@link Protocol#pauseWriting()} is called when the buffer passes the high-water mark
 * ({@link #setWriteBufferLimits}), {@link Protocol#resumeWriting()} when it drains to the low one.
 *
 * <pre>{@code
 * transport.write(ByteBuffer.wrap("ping\n".getBytes(UTF_8)));
 * transport.writeEof();        // half-close: the peer sees EOF, we can still read
 * }</pre>
 */
public interface Transport extends AutoCloseable {

    /**
     * Writes bytes, buffering what cannot be sent now; the buffer's remaining bytes are consumed.
     *
     * @param data the bytes to send
     * @throws IllegalStateException after {@link #writeEof()}
     */
    void write(ByteBuffer data);

    /**
     * Writes bytes; see {@link #write(ByteBuffer)}.
     *
     * @param data the bytes to send
     */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /**
     * Closes the write side after the buffered data is sent; reading goes on.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof()} is false (e.g. TLS)
     */
    void writeEof();

    /**
     * Whether {@link #writeEof()} is supported.
     *
     * @return true for plain sockets and pipes
     */
    boolean canWriteEof();

    /**
     * Closes the transport once buffered data is sent; no more data is received. The protocol's
     * {@link Protocol#connectionLost(Throwable)} is called with {@code null} afterwards. Idempotent.
     */
    @Override
    void close();

    /** Closes at once, dropping buffered data; connectionLost is called with {@code null}. */
    void abort();

    /**
     * Whether the transport is closing or closed.
     *
     * @return true after close, abort or connection loss
     */
    boolean isClosing();

    /** Stops delivering received data until {@link #resumeReading()}: back-pressure on the peer. */
    void pauseReading();

    /** Resumes delivering received data after {@link #pauseReading()}. */
    void resumeReading();

    /**
     * Whether received data is being delivered.
     *
     * @return false while paused or once closing
     */
    boolean isReading();

    /**
     * The number of bytes buffered for sending.
     *
     * @return bytes written but not yet taken by the channel
     */
    long getWriteBufferSize();

    /**
     * Sets the write buffer's flow-control marks.
     *
     * @param high pause the protocol above this many buffered bytes
     * @param low  resume it at or below this many; must not exceed {@code high}
     * @throws IllegalArgumentException if {@code low > high} or either is negative
     */
    void setWriteBufferLimits(long high, long low);

    /**
     * Transport-specific information: {@code "peername"} and {@code "sockname"} (a
     * {@link java.net.SocketAddress}), {@code "socket"} (the channel), {@code "sslsession"} for TLS,
     * {@code "pid"} for pipes; other transports add their own keys.
     *
     * @param name the key
     * @return the value, or {@code null} if this transport has none
     */
    Object getExtraInfo(String name);

    /**
     * The protocol receiving this transport's events.
     *
     * @return the current protocol
     */
    Protocol getProtocol();

    /**
     * Switches the protocol that receives further events (as {@code startTls} does).
     *
     * @param protocol the new protocol
     */
    void setProtocol(Protocol protocol);
}
