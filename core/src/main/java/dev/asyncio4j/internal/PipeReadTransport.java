package dev.asyncio4j.internal;

import dev.asyncio4j.Protocol;
import dev.asyncio4j.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/*
 * Implementation overview.
 *
 * The JDK's process pipes are plain InputStreams: not selectable, and a virtual thread blocked on one
 * holds a carrier of the scheduler our tasks share. So each pipe gets one daemon platform thread that
 * blocks in read() and hands what it read to the loop: it appends the chunk to `queue` and schedules
 * a single drain callback with callSoonThreadsafe (one wake-up however many chunks are waiting). The
 * loop delivers chunks to the protocol unless reading is paused.
 *
 * Flow control is real: the thread reads a new chunk only while fewer than MAX_QUEUED chunks wait
 * for the loop and reading is not paused; otherwise it parks, the OS pipe fills, and the child blocks
 * in write(). So at most MAX_QUEUED * CHUNK bytes sit between the pipe and the protocol.
 *
 * Stopping: close() sets `stopped` and unparks the thread; a thread blocked in read() notices when
 * that read returns (data, or EOF once the child and anything it passed the pipe to have exited: a
 * JDK pipe read cannot be interrupted). The thread itself closes the stream, so the descriptor is
 * never closed under a read in progress.
 */

/** The read end of a child's stdout or stderr, as a read-only {@link Transport}. */
final class PipeReadTransport implements Transport {
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_QUEUED = 2;
    private static final Object EOF = new Object();

    private final DefaultEventLoop loop;
    private final ProcessTransport owner;
    private final int fd;
    private final InputStream in;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean paused;
    private volatile boolean stopped;
    private Protocol protocol;
    private boolean started;
    private boolean closing;
    private boolean lost;

    PipeReadTransport(DefaultEventLoop loop, ProcessTransport owner, int fd, InputStream in, Protocol protocol) {
        this.loop = loop;
        this.owner = owner;
        this.fd = fd;
        this.in = in;
        this.protocol = protocol;
        this.thread = Thread.ofPlatform().daemon()
                .name(ProcessTransport.THREAD_PREFIX + owner.getPid() + (fd == 1 ? "-stdout" : "-stderr"))
                .unstarted(this::readLoop);
    }

    /* Starts the reading thread; the owner counts it until it has ended. */
    void start() {
        if (closing) {
            return;
        }
        started = true;
        owner.threadStarted();
        thread.start();
    }

    // ---------------------------------------------------------------- the reading thread

    private void readLoop() {
        byte[] buf = new byte[CHUNK];
        Object last = null;
        try {
            while (!stopped) {
                if (paused || queued.get() >= MAX_QUEUED) {
                    LockSupport.park(this);
                    continue;
                }
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    last = EOF;
                    break;
                }
                if (n > 0 && !stopped) {
                    queued.incrementAndGet();
                    post(Arrays.copyOf(buf, n));
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                last = e;
            }
        } finally {
            closeStream();
            if (last != null) {
                post(last);
            }
            loop.callSoonThreadsafeIfOpen(owner::threadEnded);
        }
    }

    private void post(Object item) {
        queue.add(item);
        if (drainScheduled.compareAndSet(false, true)) {
            loop.callSoonThreadsafeIfOpen(this::drain);
        }
    }

    private void closeStream() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }

    // ---------------------------------------------------------------- the loop side

    private void drain() {
        drainScheduled.set(false);
        Object item;
        while (!lost && (closing || !paused) && (item = queue.poll()) != null) {
            if (item instanceof byte[] chunk) {
                queued.decrementAndGet();
                LockSupport.unpark(thread);
                if (!closing) {
                    deliver(chunk);
                }
            } else if (item == EOF) {
                onEof();
            } else if (!closing) {
                fail((IOException) item);
            }
        }
    }

    private void deliver(byte[] chunk) {
        try {
            protocol.dataReceived(ByteBuffer.wrap(chunk));
        } catch (Throwable e) {
            TransportErrors.report(loop, "protocol.dataReceived() call failed", e, this);
            fail(e);
        }
    }

    private void onEof() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            protocol.eofReceived();
        } catch (Throwable e) {
            TransportErrors.report(loop, "protocol.eofReceived() call failed", e, this);
        }
        connectionLost(null);
    }

    private void fail(Throwable error) {
        closing = true;
        stopThread();
        connectionLost(error);
    }

    private void connectionLost(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        loop.callSoon(() -> protocol.connectionLost(error));
    }

    private void stopThread() {
        stopped = true;
        if (started) {
            LockSupport.unpark(thread);
        } else {
            closeStream();
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        stopThread();
        connectionLost(null);
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void pauseReading() {
        if (closing || paused) {
            return;
        }
        paused = true;
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) {
            return;
        }
        paused = false;
        LockSupport.unpark(thread);
        // Never inline: a reader resuming us from inside a read must not be fed before it waits.
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.callSoon(this::drain);
        }
    }

    @Override
    public boolean isReading() {
        return !closing && !paused;
    }

    @Override
    public void write(ByteBuffer data) {
        throw new UnsupportedOperationException(name() + " is a read-only pipe");
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException(name() + " is a read-only pipe");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public long getWriteBufferSize() {
        return 0;
    }

    @Override
    public void setWriteBufferLimits(long high, long low) {
        throw new UnsupportedOperationException(name() + " is a read-only pipe");
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "pid" -> owner.getPid();
            case "fd" -> fd;
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
        return (fd == 1 ? "stdout" : "stderr") + " of pid " + owner.getPid();
    }

    @Override
    public String toString() {
        return "<PipeReadTransport " + name() + (lost ? " closed" : closing ? " closing" : paused ? " paused" : "") + ">";
    }
}
