package dev.asyncio4j;

import java.io.EOFException;

/**
 * End of stream before a read was satisfied: asyncio's {@code IncompleteReadError}. Carries the
 * bytes that did arrive, so nothing read is lost.
 *
 * <pre>{@code
 * try {
 *     header = reader.readexactly(16);
 * } catch (IncompleteReadError e) {
 *     log("peer sent only " + e.partial().length + " bytes");
 * }
 * }</pre>
 */
public class IncompleteReadError extends EOFException {
    private static final long serialVersionUID = 1L;
    private final transient byte[] partial;
    private final long expected;

    /**
     * Creates the error.
     *
     * @param partial  the bytes read before EOF
     * @param expected how many were wanted, or -1 when a separator was wanted
     */
    public IncompleteReadError(byte[] partial, long expected) {
        super(partial.length + " bytes read on a total of " + (expected < 0 ? "undefined" : String.valueOf(expected))
                + " expected bytes");
        this.partial = partial.clone();
        this.expected = expected;
    }

    /**
     * The bytes read before the end of the stream.
     *
     * @return a copy of them
     */
    public byte[] partial() {
        return partial.clone();
    }

    /**
     * How many bytes the read wanted.
     *
     * @return the count, or -1 for a read up to a separator
     */
    public long expected() {
        return expected;
    }
}
