package dev.asyncio4j;

/**
 * The two ends of a stream connection, as asyncio's {@code reader, writer = await open_connection()}.
 * Closing it closes the writer (and with it the connection).
 *
 * <pre>{@code
 * try (var conn = Asyncio.openConnection("127.0.0.1", 8888)) {
 *     conn.writer().write("hello\n".getBytes(UTF_8));
 *     byte[] reply = conn.reader().readline();
 * }
 * }</pre>
 *
 * @param reader what the peer sends
 * @param writer what we send
 */
public record StreamPair(StreamReader reader, StreamWriter writer) implements AutoCloseable {

    /** Closes the writer and so the connection; does not wait (see {@link StreamWriter#waitClosed()}). */
    @Override
    public void close() {
        writer.close();
    }
}
