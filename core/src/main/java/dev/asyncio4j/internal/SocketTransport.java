package dev.asyncio4j.internal;

import dev.asyncio4j.Protocol;
import dev.asyncio4j.Transport;
import dev.asyncio4j.WriteFlowControl;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A TCP or Unix-domain socket driven by the loop's selector: asyncio's _SelectorSocketTransport.
 * Reads go through the loop's shared read buffer straight into the protocol; writes are tried on
 * the channel at once and only the rest is copied into a queue drained when the socket is writable.
 */
public final class SocketTransport extends IoTarget implements Transport {
    private static final System.Logger LOG = System.getLogger("dev.asyncio4j");

    private final SocketChannel channel;
    private final SocketAddress peer;
    private final SocketAddress local;
    private Protocol protocol;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private long buffered;
    private final WriteFlowControl flow;
    private boolean readingPaused;
    private boolean closing;
    private boolean eofWritten;
    private boolean lost;
    private boolean made;
    private int writesAfterLoss;
    private Runnable onClosed;

    /**
     * Wraps a connected channel; call {@link #start} to register it and tell the protocol.
     *
     * @param loop     the loop that drives it
     * @param channel  a connected socket channel
     * @param protocol the protocol to receive its events
     * @throws IOException if the channel's addresses cannot be read (it is already closed)
     */
    public SocketTransport(DefaultEventLoop loop, SocketChannel channel, Protocol protocol) throws IOException {
        super(loop);
        this.channel = channel;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.peer = channel.getRemoteAddress();
        this.local = channel.getLocalAddress();
        this.flow = new WriteFlowControl(loop, this);
    }

    /**
     * Registers the channel and, on the next loop iteration, calls connectionMade then starts reading.
     *
     * @param whenMade runs after connectionMade (e.g. completes the opener's future), or null
     * @param onClosed runs once when the channel has been closed (a server forgets the client), or null
     * @throws IOException if the channel cannot be registered
     */
    public void start(Runnable whenMade, Runnable onClosed) throws IOException {
        this.onClosed = onClosed;
        register(channel, 0);
        loop.callSoon(() -> {
            if (lost) {
                return;
            }
            made = true;
            try {
                protocol.connectionMade(this);
            } catch (Throwable e) {
                fatal(e, "protocol.connectionMade() call failed");
                return;
            }
            if (!closing && !readingPaused) {
                interest(SelectionKey.OP_READ, true);
            }
            if (whenMade != null) {
                whenMade.run();
            }
        });
    }

    @Override
    protected void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0 && !closing && !readingPaused) {
            onReadable();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && !lost) {
            onWritable();
        }
    }

    private void onReadable() {
        ByteBuffer buffer = loop.readBuffer();
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            fatal(e, "Fatal read error on socket transport");
            return;
        }
        if (n > 0) {
            buffer.flip();
            try {
                protocol.dataReceived(buffer);
            } catch (Throwable e) {
                fatal(e, "protocol.dataReceived() call failed");
            }
        } else if (n < 0) {
            interest(SelectionKey.OP_READ, false);
            boolean keepOpen;
            try {
                keepOpen = protocol.eofReceived();
            } catch (Throwable e) {
                fatal(e, "protocol.eofReceived() call failed");
                return;
            }
            if (!keepOpen) {
                close();
            }
        }
    }

    private void onWritable() {
        try {
            while (!pending.isEmpty()) {
                ByteBuffer head = pending.peek();
                int n = channel.write(head);
                buffered -= n;
                if (head.hasRemaining()) {
                    break;
                }
                pending.poll();
            }
        } catch (IOException e) {
            fatal(e, "Fatal write error on socket transport");
            return;
        }
        flow.update(buffered);
        if (pending.isEmpty()) {
            interest(SelectionKey.OP_WRITE, false);
            if (closing) {
                connectionLost(null);
            } else if (eofWritten) {
                shutdownOutput();
            }
        }
    }

    @Override
    public void write(ByteBuffer data) {
        if (eofWritten) {
            throw new IllegalStateException("Cannot call write() after writeEof()");
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (lost || closing && pending.isEmpty()) {
            if (++writesAfterLoss >= 5) {
                LOG.log(System.Logger.Level.WARNING, "socket.send() on a closed connection; data dropped");
            }
            data.position(data.limit());
            return;
        }
        if (pending.isEmpty()) {
            try {
                channel.write(data);
            } catch (IOException e) {
                fatal(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            interest(SelectionKey.OP_WRITE, true);
        }
        int n = data.remaining();
        ByteBuffer copy = ByteBuffer.allocate(n).put(data).flip();
        pending.add(copy);
        buffered += n;
        flow.update(buffered);
    }

    @Override
    public void writeEof() {
        if (closing || eofWritten) {
            return;
        }
        eofWritten = true;
        if (pending.isEmpty()) {
            shutdownOutput();
        }
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatal(e, "Fatal error shutting down the socket's output");
        }
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
        interest(SelectionKey.OP_READ, false);
        if (pending.isEmpty()) {
            lost = true;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    /**
     * Fails the connection: buffered data is dropped and the protocol gets connectionLost(error).
     * Errors that are not I/O errors (bugs in a protocol) also go to the loop's exception handler.
     *
     * @param error   what happened
     * @param message a description for the exception handler
     */
    void fatal(Throwable error, String message) {
        if (!(error instanceof IOException)) {
            TransportErrors.report(loop, message, error, this);
        }
        forceClose(error);
    }

    private void forceClose(Throwable error) {
        if (lost) {
            return;
        }
        if (!pending.isEmpty()) {
            pending.clear();
            buffered = 0;
            interest(SelectionKey.OP_WRITE, false);
        }
        if (!closing) {
            closing = true;
            interest(SelectionKey.OP_READ, false);
        }
        connectionLost(error);
    }

    private void connectionLost(Throwable error) {
        lost = true;
        loop.callSoon(() -> callConnectionLost(error));
    }

    private void callConnectionLost(Throwable error) {
        try {
            if (made) {
                protocol.connectionLost(error);
            }
        } finally {
            deregister();
            try {
                channel.close();
            } catch (IOException ignored) {
                // the connection is gone either way
            }
            if (onClosed != null) {
                onClosed.run();
            }
        }
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void pauseReading() {
        if (closing || readingPaused) {
            return;
        }
        readingPaused = true;
        interest(SelectionKey.OP_READ, false);
    }

    @Override
    public void resumeReading() {
        if (closing || !readingPaused) {
            return;
        }
        readingPaused = false;
        if (made) {
            interest(SelectionKey.OP_READ, true);
        }
    }

    @Override
    public boolean isReading() {
        return !closing && !readingPaused;
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
            case "peername" -> peer;
            case "sockname" -> local;
            case "socket" -> channel;
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

    @Override
    public String toString() {
        return "<SocketTransport " + (lost ? "closed " : closing ? "closing " : "") + local + " -> " + peer
                + (buffered > 0 ? " buffered=" + buffered : "") + ">";
    }
}
