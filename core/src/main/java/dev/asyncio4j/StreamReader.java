package dev.asyncio4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A buffered byte stream read by a task: asyncio's {@code StreamReader}. A transport's protocol feeds
 * it ({@link #feedData}, {@link #feedEof}, {@link #setException}); one task at a time reads with
 * {@link #read}, {@link #readline}, {@link #readexactly} or {@link #readuntil}, each suspending only
 * that task until enough data has arrived. When more than twice the {@linkplain #StreamReader(int)
 * limit} is buffered the transport is paused, so a slow reader back-pressures its peer.
 *
 * <pre>{@code
 * var conn = Asyncio.openConnection("127.0.0.1", port);
 * for (byte[] line : conn.reader().lines()) {
 *     System.out.print(new String(line, UTF_8));
 * }
 * }</pre>
 */
public final class StreamReader {
    /** The default buffer limit, 64 KiB, as asyncio's. */
    public static final int DEFAULT_LIMIT = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    private final int limit;
    private byte[] buf = EMPTY;
    private int start;
    private int end;
    private boolean eof;
    private Throwable exception;
    private Future<Void> waiter;
    private Transport transport;
    private boolean paused;

    /** Creates a reader with the default 64 KiB limit. */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * Creates a reader.
     *
     * @param limit the longest chunk {@link #readuntil} and {@link #readline} accept; reading from the
     *              transport pauses above twice this many buffered bytes
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public StreamReader(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
        }
        this.limit = limit;
    }

    // ------------------------------------------------------------------ feeding side (the protocol)

    /**
     * Connects the transport this reader pauses and resumes for flow control.
     *
     * @param transport the transport feeding this reader
     * @throws IllegalStateException if a transport is already set
     */
    public void setTransport(Transport transport) {
        if (this.transport != null) {
            throw new IllegalStateException("Transport already set");
        }
        this.transport = transport;
    }

    /* After startTls: pause and resume the TLS transport, which has resumed the raw one. */
    void replaceTransport(Transport tls) {
        transport = tls;
        paused = false;
    }

    /**
     * Appends received bytes and wakes the waiting reader.
     *
     * @param data the bytes; consumed by this call
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof");
        }
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        ensureRoom(n);
        data.get(buf, end, n);
        end += n;
        wakeWaiter();
        if (transport != null && !paused && buffered() > 2L * limit) {
            transport.pauseReading();
            paused = true;
        }
    }

    /**
     * Appends received bytes; see {@link #feedData(ByteBuffer)}.
     *
     * @param data the bytes
     */
    public void feedData(byte[] data) {
        feedData(ByteBuffer.wrap(data));
    }

    /** Marks the end of the stream and wakes the waiting reader. */
    public void feedEof() {
        eof = true;
        wakeWaiter();
    }

    /**
     * Fails the stream: the waiting read and every later read throws {@code error} (the transport's
     * I/O error, typically).
     *
     * @param error the failure
     */
    public void setException(Throwable error) {
        exception = error;
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.isCancelled()) {
                w.setException(error);
            }
        }
    }

    /**
     * The failure set by {@link #setException}, if any.
     *
     * @return the failure, or {@code null}
     */
    public Throwable exception() {
        return exception;
    }

    /**
     * Whether everything has been read and the stream has ended.
     *
     * @return true when the buffer is empty and EOF was fed
     */
    public boolean atEof() {
        return eof && start == end;
    }

    /**
     * The reader's limit.
     *
     * @return bytes
     */
    public int limit() {
        return limit;
    }

    // ------------------------------------------------------------------ reading side (a task)

    /**
     * Reads up to {@code n} bytes, waiting until at least one is available; {@code n < 0} reads until EOF.
     *
     * @param n the most bytes to return, or -1 for all until EOF
     * @return the bytes; empty only at EOF (or for {@code n == 0})
     * @throws IOException    the stream's failure (connection reset, ...)
     * @throws CancelledError if the task is cancelled while waiting
     */
    public byte[] read(int n) throws IOException {
        rethrow();
        if (n == 0) {
            return EMPTY;
        }
        if (n < 0) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] chunk = read(limit);
                if (chunk.length == 0) {
                    return all.toByteArray();
                }
                all.write(chunk, 0, chunk.length);
            }
        }
        if (start == end && !eof) {
            waitForData("StreamReader.read");
        }
        return take(Math.min(n, buffered()));
    }

    /**
     * Reads exactly {@code n} bytes.
     *
     * @param n the byte count
     * @return {@code n} bytes
     * @throws IncompleteReadError if the stream ends first; it carries the bytes that did arrive
     * @throws IOException         the stream's failure
     */
    public byte[] readexactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("readexactly size can not be less than zero, got " + n);
        }
        rethrow();
        if (n == 0) {
            return EMPTY;
        }
        while (buffered() < n) {
            if (eof) {
                byte[] partial = take(buffered());
                throw new IncompleteReadError(partial, n);
            }
            waitForData("StreamReader.readexactly");
        }
        return take(n);
    }

    /**
     * Reads one line, up to and including {@code \n}. At EOF returns the partial last line, then an
     * empty array.
     *
     * @return the line with its {@code \n}, the unterminated tail at EOF, or empty at EOF
     * @throws LimitOverrunError if the line is longer than the limit; the over-long data is discarded
     *                           (asyncio raises ValueError here)
     * @throws IOException       the stream's failure
     */
    public byte[] readline() throws IOException {
        try {
            return readuntil(NEWLINE);
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            int consumed = e.consumed();
            if (consumed < buffered() && buf[start + consumed] == '\n') {
                start += consumed + 1;
            } else {
                start = end;
            }
            compactIfEmpty();
            maybeResumeTransport();
            throw new LimitOverrunError(e.getMessage(), e.consumed());
        }
    }

    /**
     * Reads up to and including the first of the separators found (the one whose match ends first).
     *
     * @param separators one or more non-empty separators
     * @return the data and the separator
     * @throws IncompleteReadError if EOF comes first; the partial data is returned in it and removed
     * @throws LimitOverrunError   if no separator is found within the limit; the data stays buffered
     * @throws IOException         the stream's failure
     */
    public byte[] readuntil(byte[]... separators) throws IOException {
        if (separators.length == 0) {
            throw new IllegalArgumentException("readuntil needs at least one separator");
        }
        int minLen = Integer.MAX_VALUE;
        int maxLen = 0;
        for (byte[] s : separators) {
            if (s.length == 0) {
                throw new IllegalArgumentException("Separator should be at least one-byte string");
            }
            minLen = Math.min(minLen, s.length);
            maxLen = Math.max(maxLen, s.length);
        }
        rethrow();
        int offset = 0;
        int matchStart;
        int matchEnd;
        while (true) {
            int len = buffered();
            if (len - offset >= minLen) {
                matchStart = -1;
                matchEnd = -1;
                for (byte[] s : separators) {
                    int at = indexOf(s, offset);
                    if (at >= 0 && (matchEnd < 0 || at + s.length < matchEnd)) {
                        matchStart = at;
                        matchEnd = at + s.length;
                    }
                }
                if (matchEnd >= 0) {
                    break;
                }
                offset = Math.max(0, len + 1 - maxLen);
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            if (eof) {
                byte[] partial = take(buffered());
                throw new IncompleteReadError(partial, -1);
            }
            waitForData("StreamReader.readuntil");
        }
        if (matchStart > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        }
        return take(matchEnd);
    }

    /**
     * The stream's lines, read one by one as the iteration goes (asyncio's {@code async for line in
     * reader}); the iteration ends at EOF. An I/O failure surfaces from {@code hasNext()} unchecked, as
     * {@link java.io.UncheckedIOException}.
     *
     * @return a single-use iterable of lines, each with its {@code \n} (the last may lack it)
     */
    public Iterable<byte[]> lines() {
        return () -> new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = readline();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return next.length > 0;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("end of stream");
                }
                byte[] line = next;
                next = null;
                return line;
            }
        };
    }

    // ------------------------------------------------------------------ internals

    private int buffered() {
        return end - start;
    }

    private void rethrow() throws IOException {
        Throwable e = exception;
        if (e != null) {
            throw sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }

    /* label: the waiting call, also the waiter's label (a constant: this runs once per wait). */
    private void waitForData(String label) throws IOException {
        if (waiter != null) {
            throw new IllegalStateException(label.substring(label.indexOf('.') + 1)
                    + "() called while another task is already waiting for incoming data");
        }
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        Future<Void> w = Asyncio.getRunningLoop().createFuture();
        w.setLabel(label);
        waiter = w;
        try {
            Asyncio.await(w);
        } finally {
            if (waiter == w) {
                waiter = null;
            }
        }
    }

    private void wakeWaiter() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.isCancelled()) {
                w.setResult(null);
            }
        }
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        compactIfEmpty();
        maybeResumeTransport();
        return out;
    }

    private void compactIfEmpty() {
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    private void maybeResumeTransport() {
        if (paused && buffered() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    private void ensureRoom(int n) {
        if (buf.length - end >= n) {
            return;
        }
        int len = buffered();
        if (buf.length - len >= n && start >= buf.length / 2) {
            System.arraycopy(buf, start, buf, 0, len);
        } else {
            byte[] bigger = new byte[Math.max(Math.max(1024, buf.length * 2), len + n)];
            System.arraycopy(buf, start, bigger, 0, len);
            buf = bigger;
        }
        start = 0;
        end = len;
    }

    private int indexOf(byte[] sep, int from) {
        int last = end - sep.length;
        byte first = sep[0];
        outer:
        for (int i = start + from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < sep.length; j++) {
                if (buf[i + j] != sep[j]) {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("<StreamReader");
        if (buffered() > 0) {
            s.append(' ').append(buffered()).append(" bytes");
        }
        if (eof) {
            s.append(" eof");
        }
        if (limit != DEFAULT_LIMIT) {
            s.append(" limit=").append(limit);
        }
        if (waiter != null) {
            s.append(" waiter");
        }
        if (exception != null) {
            s.append(" exception=").append(exception);
        }
        if (transport != null) {
            s.append(" transport=").append(transport);
        }
        if (paused) {
            s.append(" paused");
        }
        return s.append('>').toString();
    }
}
