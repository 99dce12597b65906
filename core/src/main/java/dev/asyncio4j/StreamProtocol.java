package dev.asyncio4j;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protocol that joins a {@link Transport} to a {@link StreamReader} and a {@link StreamWriter}:
 * asyncio's {@code StreamReaderProtocol} with its flow-control mixin. It feeds received data to the
 * reader, turns the transport's pause/resume-writing signals into {@link StreamWriter#drain()}
 * waits, and completes {@link StreamWriter#waitClosed()}. Any transport — a socket, a pipe, an SSH
 * channel — gets asyncio's stream API by being given one of these.
 *
 * <pre>{@code
 * var reader = new StreamReader();
 * var protocol = new StreamProtocol(reader);
 * Transport t = loop.createConnection(() -> protocol, "127.0.0.1", port, NetOptions.defaults());
 * var writer = new StreamWriter(t, protocol, reader);
 * }</pre>
 */
public class StreamProtocol implements Protocol {
    private final StreamReader reader;
    private final Server.ClientConnected onConnected;
    private final ArrayDeque<Future<Void>> drainWaiters = new ArrayDeque<>();
    private Transport transport;
    private Future<Void> closed;
    private boolean paused;
    private boolean lost;
    private boolean keepOpenOnEof = true;

    /**
     * Creates a protocol feeding {@code reader}.
     *
     * @param reader the reader to feed, or {@code null} for a write-only stream
     */
    public StreamProtocol(StreamReader reader) {
        this(reader, null);
    }

    /**
     * Creates a server-side protocol: on connection it starts a task running {@code onConnected}
     * with the connection's reader and writer. A failure of that task goes to the loop's exception
     * handler and closes the connection.
     *
     * @param reader      the reader to feed
     * @param onConnected the handler to run per connection, or {@code null}
     */
    public StreamProtocol(StreamReader reader, Server.ClientConnected onConnected) {
        this.reader = reader;
        this.onConnected = onConnected;
    }

    /**
     * Whether the transport stays open for writing after the peer's EOF (true, asyncio's default for
     * plain sockets); TLS layers set false since TLS cannot half-close.
     *
     * @param keepOpen what {@link #eofReceived()} returns
     */
    public void setKeepOpenOnEof(boolean keepOpen) {
        keepOpenOnEof = keepOpen;
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        EventLoop loop = Asyncio.getRunningLoop();
        closed = loop.createFuture();
        closed.setLabel("StreamWriter.waitClosed");
        if (reader != null) {
            reader.setTransport(transport);
        }
        if (onConnected != null) {
            StreamWriter writer = new StreamWriter(transport, this, reader);
            Task<Void> task = loop.createTask(() -> {
                onConnected.accept(reader, writer);
                return null;
            });
            task.addDoneCallback(t -> {
                if (t.isCancelled()) {
                    this.transport.close();
                    return;
                }
                Throwable error = t.exception();
                if (error != null) {
                    Map<String, Object> context = new LinkedHashMap<>();
                    context.put("message", "Unhandled exception in client_connected_cb");
                    context.put("exception", error);
                    context.put("transport", this.transport);
                    loop.callExceptionHandler(context);
                    this.transport.close();
                }
            });
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (reader != null) {
            reader.feedData(data);
        }
    }

    @Override
    public boolean eofReceived() {
        if (reader != null) {
            reader.feedEof();
        }
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Throwable error) {
        lost = true;
        if (reader != null) {
            if (error == null) {
                reader.feedEof();
            } else {
                reader.setException(error);
            }
        }
        if (closed != null && !closed.isDone()) {
            if (error == null) {
                closed.setResult(null);
            } else {
                closed.setException(error);
                closed.exception(); // retrieved: waitClosed() is optional
            }
        }
        paused = false;
        Future<Void> w;
        while ((w = drainWaiters.poll()) != null) {
            if (!w.isDone()) {
                if (error == null) {
                    w.setResult(null);
                } else {
                    w.setException(error);
                }
            }
        }
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
        Future<Void> w;
        while ((w = drainWaiters.poll()) != null) {
            if (!w.isDone()) {
                w.setResult(null);
            }
        }
    }

    /* Waits while the transport's write buffer is above its high-water mark. */
    void drainHelper() throws ConnectionResetException {
        if (lost) {
            throw new ConnectionResetException("Connection lost");
        }
        if (!paused) {
            return;
        }
        Future<Void> w = Asyncio.getRunningLoop().createFuture();
        w.setLabel("StreamWriter.drain");
        drainWaiters.add(w);
        try {
            Asyncio.await(w);
        } finally {
            drainWaiters.remove(w);
        }
    }

    /* Waits until connectionLost; rethrows its error. */
    void waitClosed() {
        if (closed == null) {
            throw new IllegalStateException("the stream was never connected");
        }
        Asyncio.await(closed);
    }

    Transport transport() {
        return transport;
    }

    /* The connection now runs over TLS (StreamWriter.startTls): flow control goes to the new transport. */
    void upgraded(Transport tls) {
        transport = tls;
        if (reader != null) {
            reader.replaceTransport(tls);
        }
    }

    boolean isServerSide() {
        return onConnected != null;
    }
}
