package dev.asyncio4j.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.Server;
import dev.asyncio4j.Transport;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A listening server: one {@link Listener} per bound socket, accepting up to the backlog per
 * readiness event as asyncio does; the transports of accepted connections are tracked so that
 * {@link #waitClosed()} can wait for them and {@link #closeClients()} reach them.
 */
public final class ServerImpl implements Server {
    private final DefaultEventLoop loop;
    private final List<Listener> listeners = new ArrayList<>();
    private final Function<SocketChannel, Protocol> protocols;
    private final int backlog;
    private final Set<Transport> clients = new LinkedHashSet<>();
    private final List<Future<Void>> closeWaiters = new ArrayList<>();
    private boolean serving;
    private boolean closed;
    private Future<Void> servingForever;

    /**
     * Creates a server on bound, listening channels.
     *
     * @param loop      the loop that accepts
     * @param channels  listening channels, already bound
     * @param protocols makes the protocol for an accepted channel (may wrap it, e.g. in TLS)
     * @param backlog   the most connections accepted per readiness event
     * @throws IOException if a channel cannot be registered
     */
    public ServerImpl(DefaultEventLoop loop, List<ServerSocketChannel> channels,
                      Function<SocketChannel, Protocol> protocols, int backlog) throws IOException {
        this.loop = loop;
        this.protocols = protocols;
        this.backlog = backlog;
        for (ServerSocketChannel ch : channels) {
            Listener l = new Listener(ch);
            listeners.add(l);
            l.registerIdle();
        }
    }

    private final class Listener extends IoTarget {
        final ServerSocketChannel channel;
        final SocketAddress address;

        /* The bound Unix socket file's identity, so close() removes it only if nobody replaced it. */
        final Object socketFileKey;

        Listener(ServerSocketChannel channel) throws IOException {
            super(ServerImpl.this.loop);
            this.channel = channel;
            this.address = channel.getLocalAddress();
            this.socketFileKey = address instanceof UnixDomainSocketAddress unix ? fileKey(unix.getPath()) : null;
        }

        void registerIdle() throws IOException {
            register(channel, 0);
        }

        void listen(boolean on) {
            interest(SelectionKey.OP_ACCEPT, on);
        }

        @Override
        protected void onReady(int readyOps) {
            for (int i = 0; i < backlog && serving; i++) {
                SocketChannel client;
                try {
                    client = channel.accept();
                } catch (IOException e) {
                    acceptFailed(this, e);
                    return;
                }
                if (client == null) {
                    return;
                }
                accepted(client);
            }
        }

        void close() {
            deregister();
            try {
                channel.close();
            } catch (IOException ignored) {
                // the listening socket is released by the attempt
            }
            if (socketFileKey != null) {
                Path path = ((UnixDomainSocketAddress) address).getPath();
                if (socketFileKey.equals(fileKey(path))) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException ignored) {
                        // as asyncio: a socket file that cannot be removed is left behind
                    }
                }
            }
        }
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /*
     * Out of file descriptors and similar: asyncio logs, stops accepting on that socket for a second
     * (so the loop does not spin on a socket that stays readable) and then tries again.
     */
    private void acceptFailed(Listener l, IOException e) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("message", "socket.accept() failed; pausing accepts on " + l.address + " for 1 s");
        context.put("exception", e);
        context.put("server", this);
        loop.callExceptionHandler(context);
        l.listen(false);
        loop.callLater(Duration.ofSeconds(1), () -> {
            if (serving) {
                l.listen(true);
            }
        });
    }

    private void accepted(SocketChannel client) {
        try {
            client.configureBlocking(false);
            if (client.getLocalAddress() instanceof java.net.InetSocketAddress) {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            SocketTransport t = new SocketTransport(loop, client, protocols.apply(client));
            clients.add(t);
            t.start(null, () -> detach(t));
        } catch (IOException | RuntimeException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // nothing was built on it
            }
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Error setting up an accepted connection");
            context.put("exception", e);
            context.put("server", this);
            loop.callExceptionHandler(context);
        }
    }

    private void detach(Transport t) {
        clients.remove(t);
        if (clients.isEmpty() && closed) {
            wakeCloseWaiters();
        }
    }

    private void wakeCloseWaiters() {
        for (Future<Void> w : closeWaiters) {
            if (!w.isDone()) {
                w.setResult(null);
            }
        }
        closeWaiters.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        serving = false;
        for (Listener l : listeners) {
            l.close();
        }
        listeners.clear();
        if (!loop.isClosed()) {
            loop.poller().flushClosed();
        }
        Future<Void> forever = servingForever;
        if (forever != null) {
            servingForever = null;
            forever.cancel();
        }
        if (clients.isEmpty()) {
            wakeCloseWaiters();
        }
    }

    @Override
    public void closeClients() {
        for (Transport t : List.copyOf(clients)) {
            t.close();
        }
    }

    @Override
    public void abortClients() {
        for (Transport t : List.copyOf(clients)) {
            t.abort();
        }
    }

    @Override
    public void waitClosed() {
        if (closed && clients.isEmpty()) {
            return;
        }
        Future<Void> w = loop.createFuture();
        closeWaiters.add(w);
        try {
            Asyncio.await(w);
        } finally {
            closeWaiters.remove(w);
        }
    }

    @Override
    public void startServing() {
        if (serving || closed) {
            return;
        }
        serving = true;
        for (Listener l : listeners) {
            l.listen(true);
        }
    }

    @Override
    public void serveForever() {
        if (closed) {
            throw new IllegalStateException("server " + this + " is closed");
        }
        if (servingForever != null) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        startServing();
        Future<Void> forever = loop.createFuture();
        servingForever = forever;
        try {
            Asyncio.await(forever);
        } catch (CancelledError e) {
            try {
                close();
                waitClosed();
            } finally {
                throw e;
            }
        } finally {
            servingForever = null;
        }
    }

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public List<SocketAddress> sockets() {
        List<SocketAddress> out = new ArrayList<>();
        for (Listener l : listeners) {
            out.add(l.address);
        }
        return List.copyOf(out);
    }

    @Override
    public EventLoop getLoop() {
        return loop;
    }

    @Override
    public String toString() {
        return "<Server sockets=" + sockets() + (serving ? " serving" : "") + (closed ? " closed" : "")
                + " clients=" + clients.size() + ">";
    }
}
