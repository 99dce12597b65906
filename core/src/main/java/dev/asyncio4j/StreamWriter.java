package dev.asyncio4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The sending end of a stream connection: asyncio's {@code StreamWriter}. {@link #write} never
 * blocks — it hands bytes to the transport, which buffers what the peer does not take yet; call
 * {@link #drain()} after writing to wait while that buffer is above its high-water mark, so a slow
 * peer slows the writer instead of filling memory.
 *
 * <pre>{@code
 * for (byte[] chunk : chunks) {
 *     writer.write(chunk);
 *     writer.drain();          // back-pressure
 * }
 * writer.close();
 * writer.waitClosed();
 * }</pre>
 */
public final class StreamWriter implements AutoCloseable {
    private Transport transport;
    private final StreamProtocol protocol;
    private final StreamReader reader;

    /**
     * Creates a writer on a transport whose protocol is {@code protocol}.
     *
     * @param transport the transport to write to
     * @param protocol  its stream protocol (flow control and close notification)
     * @param reader    the reader of the same connection, whose failure {@link #drain()} reports, or
     *                  {@code null}
     */
    public StreamWriter(Transport transport, StreamProtocol protocol, StreamReader reader) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.reader = reader;
    }

    /**
     * Queues bytes for sending; see {@link #drain()}.
     *
     * @param data the bytes
     */
    public void write(byte[] data) {
        transport.write(ByteBuffer.wrap(data));
    }

    /**
     * Queues the buffer's remaining bytes for sending; the buffer is consumed.
     *
     * @param data the bytes
     */
    public void write(ByteBuffer data) {
        transport.write(data);
    }

    /**
     * Queues several byte arrays, in order.
     *
     * @param data the chunks
     */
    public void writelines(Iterable<byte[]> data) {
        for (byte[] chunk : data) {
            write(chunk);
        }
    }

    /**
     * Waits until the write buffer is below its high-water mark (at once if it is).
     *
     * @throws ConnectionResetException if the connection was lost
     * @throws IOException              the reader's failure, if the connection failed
     * @throws CancelledError           if the task is cancelled while waiting
     */
    public void drain() throws IOException {
        if (reader != null) {
            Throwable e = reader.exception();
            if (e != null) {
                throw e instanceof IOException io ? io : new IOException("stream failed: " + e, e);
            }
        }
        if (transport.isClosing()) {
            // Let connectionLost run first, so a closed connection reports itself below.
            Asyncio.sleep(Duration.ZERO);
        }
        protocol.drainHelper();
    }

    /** Closes the write side once buffered data is sent (a half-close); reading goes on. */
    public void writeEof() {
        transport.writeEof();
    }

    /**
     * Whether {@link #writeEof()} is supported by the transport.
     *
     * @return false for TLS
     */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection after buffered data is sent; does not wait (see {@link #waitClosed()}). */
    @Override
    public void close() {
        transport.close();
    }

    /**
     * Whether the writer is closing or closed.
     *
     * @return true after close or connection loss
     */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Waits until the connection is closed.
     *
     * @throws CancelledError if the task is cancelled meanwhile
     */
    public void waitClosed() {
        protocol.waitClosed();
    }

    /**
     * Upgrades this connection to TLS after sending what is buffered: asyncio's
     * {@code StreamWriter.start_tls}. The reader then returns decrypted data and this writer encrypts.
     * A stream of a server connection acts as the TLS server, any other as the client.
     *
     * <pre>{@code
     * writer.write("STARTTLS\r\n".getBytes(US_ASCII));
     * reader.readline();                              // "220 go ahead"
     * writer.startTls(context, "mail.example.org", Duration.ofSeconds(10));
     * }</pre>
     *
     * @param context          the TLS context
     * @param serverHostname   the name a client verifies and sends as SNI, or {@code null} for the
     *                         peer's address
     * @param handshakeTimeout how long the handshake may take, or {@code null} for 60 s
     * @throws IOException the handshake failure; the connection is then aborted
     */
    public void startTls(SSLContext context, String serverHostname, Duration handshakeTimeout) throws IOException {
        drain();
        Transport tls = Asyncio.getRunningLoop().startTls(transport, protocol, context, protocol.isServerSide(),
                serverHostname, handshakeTimeout);
        transport = tls;
        protocol.upgraded(tls);
    }

    /**
     * Transport information such as {@code "peername"}; see {@link Transport#getExtraInfo(String)}.
     *
     * @param name the key
     * @return the value or {@code null}
     */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /**
     * The underlying transport.
     *
     * @return the transport
     */
    public Transport transport() {
        return transport;
    }

    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader != null ? " reader=" + reader : "") + ">";
    }
}
