package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Protocol;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A read-only {@link Transport} over one output stream of an SSH channel (the remote stdout or stderr),
 * fed by MINA's asynchronous {@link IoInputStream}. At most one read is in flight; a paused transport
 * issues none, so MINA stops re-opening the channel's SSH window and the server stops sending: the
 * reader's buffer limit bounds memory. Loop-confined; MINA's completions are posted to the loop.
 */
final class ChannelReadTransport extends ChannelPipe {
    private static final int CHUNK = 64 * 1024;

    private final IoInputStream in;
    /**
     * Read into again and again (the protocol copies what it keeps before {@code dataReceived} returns);
     * dropped when the stream ends, as a finished process may be kept long after.
     */
    private ByteArrayBuffer chunk = new ByteArrayBuffer(CHUNK, false);
    private final String name;
    private final Function<Throwable, Throwable> errorMapper;
    private final Supplier<Throwable> endError;
    private boolean paused;
    private boolean inFlight;
    private boolean done;

    /**
     * Creates the transport; {@link #start} connects the protocol and starts reading.
     *
     * @param loop        the loop that owns the protocol
     * @param in          the channel's stream
     * @param name        for messages, e.g. {@code "stdout"}
     * @param channel     the channel's description, for {@code getExtraInfo("channel")}
     * @param errorMapper turns a MINA read failure into what the reader should throw
     * @param endError    asked at the end of the stream: the error the reader should throw because the
     *                    stream was cut short (e.g. the connection was lost before the peer's EOF), or
     *                    {@code null} for a clean end of file
     */
    ChannelReadTransport(EventLoop loop, IoInputStream in, String name, String channel,
            Function<Throwable, Throwable> errorMapper, Supplier<Throwable> endError) {
        super(loop, channel);
        this.in = in;
        this.name = name;
        this.errorMapper = errorMapper;
        this.endError = endError;
    }

    @Override
    void start(Protocol p) {
        super.start(p);
        readNext();
    }

    private void readNext() {
        if (paused || inFlight || done) {
            return;
        }
        inFlight = true;
        chunk.clear(false);
        IoReadFuture f = in.read(chunk);
        f.addListener(r -> LoopPost.post(loop, () -> onRead(r)));
    }

    private void onRead(IoReadFuture f) {
        inFlight = false;
        if (done) {
            return;
        }
        Throwable error = f.getException();
        if (error instanceof EOFException || (error == null && f.getRead() < 0)) {
            Throwable cut = endError.get();
            finish(cut, cut == null);
            return;
        }
        if (error != null) {
            finish(errorMapper.apply(error), false);
            return;
        }
        Buffer b = f.getBuffer();
        protocol.dataReceived(ByteBuffer.wrap(b.array(), b.rpos(), b.available()));
        readNext();
    }

    private void finish(Throwable error, boolean eof) {
        done = true;
        chunk = null;
        if (eof) {
            protocol.eofReceived();
        }
        protocol.connectionLost(error);
    }

    @Override
    public void write(ByteBuffer data) {
        throw new UnsupportedOperationException("the remote " + name + " is read-only");
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("the remote " + name + " is read-only");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    /** Stops delivering data; the channel itself is closed by its process. */
    @Override
    public void close() {
        if (!done) {
            finish(null, false);
        }
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public boolean isClosing() {
        return done;
    }

    @Override
    public void pauseReading() {
        paused = true;
    }

    @Override
    public void resumeReading() {
        if (paused) {
            paused = false;
            readNext();
        }
    }

    @Override
    public boolean isReading() {
        return !paused && !done;
    }

    @Override
    public long getWriteBufferSize() {
        return 0;
    }

    @Override
    public void setWriteBufferLimits(long high, long low) {
        throw new UnsupportedOperationException("the remote " + name + " is read-only");
    }

    @Override
    public String toString() {
        return "ChannelReadTransport[" + name + (paused ? ", paused" : "") + (done ? ", done" : "") + "]";
    }
}
