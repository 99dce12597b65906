package dev.asyncio4j.internal;

import dev.asyncio4j.Protocol;
import dev.asyncio4j.Transport;
import dev.asyncio4j.WriteFlowControl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/*
 * Implementation overview.
 *
 * write() copies the bytes into `queue` and counts them in `buffered`; a daemon platform thread,
 * started on the first write, takes the chunks and does the blocking writes in slices of SLICE
 * bytes. After each slice it adds the count to `written` and schedules one progress callback (at most
 * one pending), which subtracts it from `buffered` on the loop. The protocol is paused above the
 * high-water mark and resumed at the low one, as for sockets, so StreamWriter.drain() waits while the
 * child is not reading. close() queues a CLOSE marker after the data: the thread closes the stream
 * when it gets there and the protocol then sees connectionLost(null); a write error ends the thread
 * and becomes connectionLost(error).
 */

/** The write end of a child's stdin, as a write-only {@link Transport}. */
final class PipeWriteTransport implements Transport {
    private static final int SLICE = 64 * 1024;
    private static final byte[] CLOSE = new byte[0];
    private static final System.Logger LOG = System.getLogger("dev.asyncio4j");

    private final DefaultEventLoop loop;
    private final ProcessTransport owner;
    private final OutputStream out;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong written = new AtomicLong();
    private final CoalescedCallback progress;
    private volatile boolean aborted;
    private Protocol protocol;
    private Thread thread;
    private long buffered;
    private final WriteFlowControl flow;
    private boolean closing;
    private boolean eofWritten;
    private boolean lost;
    private int writesAfterLoss;

    PipeWriteTransport(DefaultEventLoop loop, ProcessTransport owner, OutputStream out, Protocol protocol) {
        this.loop = loop;
        this.owner = owner;
        this.out = out;
        this.protocol = protocol;
        this.progress = new CoalescedCallback(loop, this::onProgress);
        this.flow = new WriteFlowControl(loop, this);
    }

    @Override
    public void write(ByteBuffer data) {
        if (eofWritten) {
            throw new IllegalStateException("Cannot call write() after writeEof()");
        }
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        if (lost || closing) {
            if (++writesAfterLoss >= 5) {
                LOG.log(System.Logger.Level.WARNING, "write to the closed stdin pipe of pid " + owner.getPid()
                        + "; data dropped");
            }
            data.position(data.limit());
            return;
        }
        byte[] copy = new byte[n];
        data.get(copy);
        buffered += n;
        enqueue(copy);
        flow.update(buffered);
    }

    private void enqueue(byte[] chunk) {
        queue.add(chunk);
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name(ProcessTransport.THREAD_PREFIX + owner.getPid() + "-stdin")
                    .unstarted(this::writeLoop);
            owner.threadStarted();
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
    }

    // ---------------------------------------------------------------- the writing thread

    private void writeLoop() {
        IOException error = null;
        try {
            while (true) {
                byte[] chunk = queue.poll();
                if (chunk == null) {
                    LockSupport.park(this);
                    continue;
                }
                if (chunk == CLOSE) {
                    break;
                }
                for (int off = 0; off < chunk.length && !aborted; off += SLICE) {
                    int len = Math.min(SLICE, chunk.length - off);
                    out.write(chunk, off, len);
                    out.flush();
                    written.addAndGet(len);
                    progress.request();
                }
            }
        } catch (IOException e) {
            error = e;
        } finally {
            ProcessTransport.closeQuietly(out);
            IOException failure = error;
            loop.callSoonThreadsafeIfOpen(() -> threadEnded(failure));
        }
    }


    // ---------------------------------------------------------------- the loop side

    private void onProgress() {
        long n = written.getAndSet(0);
        if (lost) {
            return;
        }
        buffered -= n;
        flow.update(buffered);
    }

    private void threadEnded(IOException error) {
        owner.threadEnded();
        if (error != null) {
            closing = true;
            connectionLost(new IOException("Broken pipe: cannot write to the stdin of pid " + owner.getPid()
                    + " (" + error.getMessage() + ")", error));
        } else {
            connectionLost(null);
        }
    }

    /* The child has exited: with nothing left to send, the pipe closes as asyncio's does on EOF. */
    void peerExited() {
        if (!closing && buffered == 0) {
            close();
        }
    }

    @Override
    public void writeEof() {
        if (eofWritten) {
            return;
        }
        eofWritten = true;
        close();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (thread == null) {
            ProcessTransport.closeQuietly(out); // nobody writes it: closing the descriptor does not block
            connectionLost(null);
        } else {
            enqueue(CLOSE);
        }
    }

    @Override
    public void abort() {
        if (lost) {
            return;
        }
        aborted = true;
        closing = true;
        queue.clear();
        if (thread == null) {
            ProcessTransport.closeQuietly(out);
        } else {
            enqueue(CLOSE);
        }
        connectionLost(null);
    }

    private void connectionLost(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        buffered = 0;
        loop.callSoon(() -> protocol.connectionLost(error));
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void pauseReading() {
        throw new UnsupportedOperationException(name() + " is a write-only pipe");
    }

    @Override
    public void resumeReading() {
        throw new UnsupportedOperationException(name() + " is a write-only pipe");
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
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "pid" -> owner.getPid();
            case "fd" -> 0;
            default -> null;
        };
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    private String name() {
        return "stdin of pid " + owner.getPid();
    }

    @Override
    public String toString() {
        return "<PipeWriteTransport " + name() + (lost ? " closed" : closing ? " closing" : "")
                + (buffered > 0 ? " buffered=" + buffered : "") + ">";
    }
}
