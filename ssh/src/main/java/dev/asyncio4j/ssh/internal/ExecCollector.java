package dev.asyncio4j.ssh.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Collects an exec channel's stdout and stderr through MINA's asynchronous streams and feeds its stdin,
 * entirely in MINA callbacks (no thread of its own). Reading through the async streams is what
 * re-opens the SSH window, so the server is paced by the reader.
 *
 * <p>Interim: run() collects everything in memory; streaming process I/O will sit on the core's
 * StreamReader/StreamWriter over a channel transport.
 */
final class ExecCollector {
    private static final int CHUNK = 32 * 1024;

    private final ChannelExec channel;
    private final byte[] input;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    ExecCollector(ChannelExec channel, byte[] input) {
        this.channel = channel;
        this.input = input;
    }

    /** Starts feeding and draining; the future completes when both outputs ended and the channel closed. */
    CompletableFuture<Void> start() throws IOException {
        CompletableFuture<Void> outDone = drain(channel.getAsyncOut(), out);
        CompletableFuture<Void> errDone = drain(channel.getAsyncErr(), err);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.addCloseFutureListener(f -> closed.complete(null));
        if (input != null && input.length > 0) {
            channel.getAsyncIn().writeBuffer(new ByteArrayBuffer(input)).addListener(w -> channel.getAsyncIn().close(false));
        } else {
            channel.getAsyncIn().close(false);
        }
        return CompletableFuture.allOf(outDone, errDone, closed);
    }

    byte[] stdout() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    byte[] stderr() {
        synchronized (err) {
            return err.toByteArray();
        }
    }

    private static CompletableFuture<Void> drain(IoInputStream in, ByteArrayOutputStream sink) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Drain(in, sink, done).next();
        return done;
    }

    /** A read loop that iterates while reads complete at once and resumes from the listener otherwise. */
    private record Drain(IoInputStream in, ByteArrayOutputStream sink, CompletableFuture<Void> done) {
        void next() {
            while (true) {
                ByteArrayBuffer buf = new ByteArrayBuffer(CHUNK, false);
                IoReadFuture f = in.read(buf);
                if (!f.isDone()) {
                    f.addListener(r -> {
                        if (handle(r)) {
                            next();
                        }
                    });
                    return;
                }
                if (!handle(f)) {
                    return;
                }
            }
        }

        /** Returns whether to read again. */
        boolean handle(IoReadFuture f) {
            Throwable e = f.getException();
            if (e != null) {
                if (e instanceof EOFException) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
                return false;
            }
            if (f.getRead() < 0) {
                done.complete(null);
                return false;
            }
            ByteArrayBuffer b = (ByteArrayBuffer) f.getBuffer();
            synchronized (sink) {
                sink.write(b.array(), b.rpos(), b.available());
            }
            return true;
        }
    }
}
