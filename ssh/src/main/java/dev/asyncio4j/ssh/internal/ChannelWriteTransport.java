package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.EventLoop;
import dev.asyncio4j.WriteFlowControl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A write-only {@link Transport} over an SSH channel's input (the remote stdin), on MINA's asynchronous
 * {@link IoOutputStream}, which takes one write at a time and completes it only when the peer's SSH
 * window has let all of it out. Queued bytes count as the write buffer, with the core's
 * {@link WriteFlowControl} marks: above the high one the protocol is paused (so
 * {@code StreamWriter.drain()} waits for the server), at the low one resumed.
 * {@link #writeEof()} / {@link #close()} send EOF after the queue. Loop-confined.
 */
final class ChannelWriteTransport extends ChannelPipe {
    private static final int MAX_WRITE = 256 * 1024;

    private final IoOutputStream out;
    private final Function<Throwable, Throwable> errorMapper;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final WriteFlowControl flow;
    private long buffered;
    private boolean inFlight;
    private boolean eofRequested;
    private boolean closing;
    private boolean lost;

    ChannelWriteTransport(EventLoop loop, IoOutputStream out, String channel, Function<Throwable, Throwable> errorMapper) {
        super(loop, channel);
        this.out = out;
        this.errorMapper = errorMapper;
        this.flow = new WriteFlowControl(loop, this);
    }

    @Override
    public void write(ByteBuffer data) {
        if (eofRequested) {
            throw new IllegalStateException("cannot write to the remote stdin after writeEof or close");
        }
        if (lost || !data.hasRemaining()) {
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        queue.add(copy);
        buffered += copy.length;
        pump();
        flow.update(buffered);
    }

    private void pump() {
        if (inFlight || lost) {
            return;
        }
        if (queue.isEmpty()) {
            if (eofRequested && !closing) {
                closing = true;
                out.close(false).addListener(f -> LoopPost.post(loop, () -> finish(null)));
            }
            return;
        }
        byte[] chunk = queue.poll();
        if (chunk.length < MAX_WRITE && !queue.isEmpty()) {
            chunk = mergeQueued(chunk);
        }
        int n = chunk.length;
        inFlight = true;
        try {
            IoWriteFuture f = out.writeBuffer(new ByteArrayBuffer(chunk));
            f.addListener(w -> LoopPost.post(loop, () -> onWritten(w, n)));
        } catch (IOException e) {
            inFlight = false;
            finish(errorMapper.apply(e));
        }
    }

    /** Joins {@code first} and the queued arrays after it, up to {@link #MAX_WRITE} bytes, in one copy. */
    private byte[] mergeQueued(byte[] first) {
        int total = first.length;
        int count = 0;
        for (byte[] next : queue) {
            if (total + next.length > MAX_WRITE) {
                break;
            }
            total += next.length;
            count++;
        }
        byte[] merged = Arrays.copyOf(first, total);
        for (int at = first.length; count > 0; count--) {
            byte[] next = queue.poll();
            System.arraycopy(next, 0, merged, at, next.length);
            at += next.length;
        }
        return merged;
    }

    private void onWritten(IoWriteFuture f, int n) {
        inFlight = false;
        buffered -= n;
        if (lost) {
            return;
        }
        if (f.getException() != null) {
            finish(errorMapper.apply(f.getException()));
            return;
        }
        flow.update(buffered);
        pump();
    }

    private void finish(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        eofRequested = true;
        queue.clear();
        buffered = 0;
        protocol.connectionLost(error);
    }

    /**
     * Called by the process when the command has exited or the channel closed: drops what is queued and
     * closes the stream at once, so a write still waiting for window ends too.
     */
    void channelClosed(Throwable error) {
        finish(error);
        out.close(true);
    }

    @Override
    public void writeEof() {
        if (!eofRequested) {
            eofRequested = true;
            pump();
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    /** Sends what is queued, then EOF: the remote stdin's end. */
    @Override
    public void close() {
        writeEof();
    }

    @Override
    public void abort() {
        out.close(true);
        finish(null);
    }

    @Override
    public boolean isClosing() {
        return eofRequested || lost;
    }

    @Override
    public void pauseReading() {
        // write-only: nothing to pause
    }

    @Override
    public void resumeReading() {
        // write-only: nothing to resume
    }

    @Override
    public boolean isReading() {
        return false;
    }

    @Override
    public long getWriteBufferSize() {
        return buffered;
    }

    @Override
    public void setWriteBufferLimits(long high, long low) {
        flow.setLimits(high, low, buffered);
    }

    @Override
    public String toString() {
        return "ChannelWriteTransport[stdin, buffered=" + buffered + (eofRequested ? ", eof" : "") + "]";
    }
}
