package dev.asyncio4j.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import dev.asyncio4j.NetOptions;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.Server;
import dev.asyncio4j.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Opening connections and servers on a loop: name resolution (off the loop unless the host is a
 * literal address), non-blocking connect through the selector, one attempt per resolved address
 * (asyncio's create_connection without happy eyeballs), and listening sockets for servers.
 */
public final class Net {
    private Net() {
    }

    /**
     * Connects to {@code host:port} and returns the transport once the protocol's connectionMade ran.
     * Must be called from a task of {@code loop}; suspends it.
     *
     * @param loop    the loop
     * @param factory makes the protocol
     * @param host    a host name or literal address
     * @param port    the port
     * @param options local address; TLS is layered by the caller
     * @return the connected transport
     * @throws IOException the connect error of the first address tried, the others suppressed in it
     */
    public static Transport connect(DefaultEventLoop loop, Supplier<? extends Protocol> factory, String host, int port,
                                    NetOptions options) throws IOException {
        checkPort(port);
        List<InetSocketAddress> targets = new ArrayList<>();
        for (InetAddress a : resolve(loop, host)) {
            targets.add(new InetSocketAddress(a, port));
        }
        IOException first = null;
        for (InetSocketAddress target : targets) {
            try {
                return connect(loop, factory, target, options);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw first;
    }

    /**
     * Connects to one socket address (TCP or Unix-domain).
     *
     * @param loop    the loop
     * @param factory makes the protocol
     * @param target  where to connect
     * @param options local address
     * @return the connected transport
     * @throws IOException the connect error (ConnectException, NoRouteToHostException, ...)
     */
    public static Transport connect(DefaultEventLoop loop, Supplier<? extends Protocol> factory, SocketAddress target,
                                    NetOptions options) throws IOException {
        boolean unix = target instanceof UnixDomainSocketAddress;
        ProtocolFamily family = unix ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) target).getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        SocketChannel ch = SocketChannel.open(family);
        Connector connector = new Connector(loop, ch);
        SocketTransport transport = null;
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            if (!unix) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (options.localAddress() != null) {
                ch.bind(options.localAddress());
            }
            if (!ch.connect(target)) {
                connector.awaitConnected();
            }
            transport = new SocketTransport(loop, ch, factory.get());
            connector.handOver(transport);
            Future<Void> made = loop.createFuture();
            transport.start(() -> made.setResult(null), null);
            Asyncio.await(made);
            ok = true;
            return transport;
        } catch (IOException e) {
            throw withAddress(e, target);
        } finally {
            if (!ok) {
                if (transport != null) {
                    transport.abort();
                } else {
                    connector.closeChannel();
                }
            }
        }
    }

    /* The JDK's connect errors do not name the address ("Connection refused"); asyncio's do. */
    private static IOException withAddress(IOException e, SocketAddress target) {
        String msg = e.getMessage();
        if (msg != null && msg.contains(String.valueOf(target))) {
            return e;
        }
        String text = (msg != null ? msg : e.getClass().getSimpleName()) + ": " + target;
        IOException named;
        if (e instanceof java.net.ConnectException) {
            named = new java.net.ConnectException(text);
        } else if (e instanceof java.net.NoRouteToHostException) {
            named = new java.net.NoRouteToHostException(text);
        } else if (e instanceof java.net.SocketException) {
            named = new java.net.SocketException(text);
        } else {
            return e;
        }
        named.initCause(e);
        return named;
    }

    private static final class Connector extends IoTarget {
        private final SocketChannel channel;
        private Future<Void> connected;

        Connector(DefaultEventLoop loop, SocketChannel channel) {
            super(loop);
            this.channel = channel;
        }

        void awaitConnected() throws IOException {
            connected = loop.createFuture();
            register(channel, SelectionKey.OP_CONNECT);
            Asyncio.await(connected); // rethrows finishConnect's IOException unchanged
        }

        @Override
        protected void onReady(int readyOps) {
            if (connected.isDone()) {
                return;
            }
            try {
                if (channel.finishConnect()) {
                    interest(SelectionKey.OP_CONNECT, false);
                    connected.setResult(null);
                }
            } catch (IOException e) {
                interest(SelectionKey.OP_CONNECT, false);
                connected.setException(e);
            }
        }

        void closeChannel() {
            deregister();
            try {
                channel.close();
            } catch (IOException ignored) {
                // a failed or cancelled connect: nothing more to release
            }
        }
    }

    /**
     * Binds listening sockets for every address of {@code host} ({@code null}: all interfaces) and
     * returns the server, accepting at once unless options say otherwise.
     *
     * @param loop      the loop
     * @param protocols makes the protocol of each accepted channel
     * @param host      host to bind, or {@code null} for the wildcard address
     * @param port      port, 0 for an ephemeral one
     * @param options   backlog, startServing
     * @return the server
     * @throws IOException if binding fails (BindException names the address)
     */
    public static Server serve(DefaultEventLoop loop, Function<SocketChannel, Protocol> protocols, String host, int port,
                               NetOptions options) throws IOException {
        checkPort(port);
        List<SocketAddress> addresses = new ArrayList<>();
        if (host == null) {
            addresses.add(new InetSocketAddress(port));
        } else {
            for (InetAddress a : resolve(loop, host)) {
                addresses.add(new InetSocketAddress(a, port));
            }
        }
        return listen(loop, protocols, addresses, options);
    }

    /**
     * Binds a Unix-domain listening socket at {@code path}, which must not exist yet (asyncio removes a
     * stale socket file; we refuse to delete anything that is not a socket).
     *
     * @param loop      the loop
     * @param protocols makes the protocol of each accepted channel
     * @param path      the socket file to create
     * @param options   backlog, startServing
     * @return the server
     * @throws IOException if binding fails
     */
    public static Server serveUnix(DefaultEventLoop loop, Function<SocketChannel, Protocol> protocols, Path path,
                                   NetOptions options) throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (isSocket(path)) {
                Files.delete(path);
            } else {
                throw new java.nio.file.FileAlreadyExistsException(path.toString(), null,
                        "exists and is not a socket; refusing to replace it with a Unix-domain server socket");
            }
        }
        return listen(loop, protocols, List.of(UnixDomainSocketAddress.of(path)), options);
    }

    private static boolean isSocket(Path path) {
        try {
            Object type = Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return type instanceof Integer mode && (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Server listen(DefaultEventLoop loop, Function<SocketChannel, Protocol> protocols,
                                 List<SocketAddress> addresses, NetOptions options) throws IOException {
        List<ServerSocketChannel> channels = new ArrayList<>();
        try {
            for (SocketAddress a : addresses) {
                boolean unix = a instanceof UnixDomainSocketAddress;
                ServerSocketChannel ch = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        : ServerSocketChannel.open(((InetSocketAddress) a).getAddress() instanceof java.net.Inet6Address
                                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                channels.add(ch);
                if (!unix) {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                }
                try {
                    ch.bind(a, options.backlog());
                } catch (java.net.BindException e) {
                    java.net.BindException named = new java.net.BindException(
                            "error while attempting to bind on address " + a + ": " + e.getMessage());
                    named.initCause(e);
                    throw named;
                }
            }
            ServerImpl server = new ServerImpl(loop, channels, protocols, options.backlog());
            if (options.startServing()) {
                server.startServing();
            }
            return server;
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel ch : channels) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
    }

    /* Literal addresses resolve without a lookup; names are looked up off the loop. */
    private static InetAddress[] resolve(DefaultEventLoop loop, String host) throws UnknownHostException {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must be a host name or address, got " + (host == null ? "null" : "\"\""));
        }
        if (isLiteral(host)) {
            return InetAddress.getAllByName(host);
        }
        // await rethrows the lookup's UnknownHostException unchanged
        return Asyncio.await(loop.runInExecutor(null, () -> InetAddress.getAllByName(host)));
    }

    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
