package dev.asyncio4j;

import java.io.IOException;

/**
 * A separator was not found within the reader's buffer limit: asyncio's {@code LimitOverrunError}.
 * {@link #consumed()} tells how many bytes can be skipped; after {@code readuntil} the data stays in
 * the buffer, so it can still be read with {@code read} or {@code readexactly}.
 *
 * <pre>{@code
 * try {
 *     line = reader.readuntil("\r\n".getBytes(US_ASCII));
 * } catch (LimitOverrunError e) {
 *     reader.readexactly(e.consumed());   // skip the over-long chunk
 * }
 * }</pre>
 */
public class LimitOverrunError extends IOException {
    private static final long serialVersionUID = 1L;
    private final int consumed;

    /**
     * Creates the error.
     *
     * @param message  what overran
     * @param consumed the number of bytes to consume to skip the chunk
     */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /**
     * The number of bytes to consume to get past the data that overran.
     *
     * @return a byte count
     */
    public int consumed() {
        return consumed;
    }
}
