package dev.asyncio4j;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Options for connections and servers: the keyword arguments of asyncio's {@code open_connection},
 * {@code start_server}, {@code create_connection} and {@code create_server}. Immutable; each
 * {@code with...} returns a copy.
 *
 * <pre>{@code
 * var tls = NetOptions.defaults().withSsl(SSLContext.getDefault()).withServerHostname("example.org");
 * try (var conn = Asyncio.openConnection("127.0.0.1", 8443, tls)) { ... }
 * }</pre>
 */
public final class NetOptions {
    private static final NetOptions DEFAULTS =
            new NetOptions(null, null, Duration.ofSeconds(60), Duration.ofSeconds(30), 64 * 1024, 100, null, true);

    private final SSLContext ssl;
    private final String serverHostname;
    private final Duration sslHandshakeTimeout;
    private final Duration sslShutdownTimeout;
    private final int limit;
    private final int backlog;
    private final SocketAddress localAddress;
    private final boolean startServing;

    private NetOptions(SSLContext ssl, String serverHostname, Duration sslHandshakeTimeout, Duration sslShutdownTimeout,
                       int limit, int backlog, SocketAddress localAddress, boolean startServing) {
        this.ssl = ssl;
        this.serverHostname = serverHostname;
        this.sslHandshakeTimeout = sslHandshakeTimeout;
        this.sslShutdownTimeout = sslShutdownTimeout;
        this.limit = limit;
        this.backlog = backlog;
        this.localAddress = localAddress;
        this.startServing = startServing;
    }

    /**
     * The defaults: no TLS, a 64 KiB stream buffer limit, backlog 100, servers start serving at once.
     *
     * @return the default options
     */
    public static NetOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Uses TLS with this context (client or server side as the call implies).
     *
     * @param context the TLS context, or {@code null} for plain TCP
     * @return a copy with TLS
     */
    public NetOptions withSsl(SSLContext context) {
        return new NetOptions(context, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, limit, backlog,
                localAddress, startServing);
    }

    /**
     * The host name a TLS client checks the server's certificate against and sends as SNI; by default
     * the host connected to.
     *
     * @param hostname the expected server name
     * @return a copy with it
     */
    public NetOptions withServerHostname(String hostname) {
        return new NetOptions(ssl, hostname, sslHandshakeTimeout, sslShutdownTimeout, limit, backlog,
                localAddress, startServing);
    }

    /**
     * How long a TLS handshake may take before the connection is aborted (default 60 s).
     *
     * @param timeout a positive duration
     * @return a copy with it
     */
    public NetOptions withSslHandshakeTimeout(Duration timeout) {
        return new NetOptions(ssl, serverHostname, positive(timeout, "sslHandshakeTimeout"), sslShutdownTimeout,
                limit, backlog, localAddress, startServing);
    }

    /**
     * How long a TLS close waits for the peer's close_notify before aborting (default 30 s).
     *
     * @param timeout a positive duration
     * @return a copy with it
     */
    public NetOptions withSslShutdownTimeout(Duration timeout) {
        return new NetOptions(ssl, serverHostname, sslHandshakeTimeout, positive(timeout, "sslShutdownTimeout"),
                limit, backlog, localAddress, startServing);
    }

    /**
     * The stream reader's buffer limit: the longest line or separator-delimited chunk, and half of the
     * buffered amount at which reading pauses (default 64 KiB).
     *
     * @param bytes a positive size
     * @return a copy with it
     */
    public NetOptions withLimit(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + bytes);
        }
        return new NetOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, bytes, backlog,
                localAddress, startServing);
    }

    /**
     * A server's listen backlog (default 100), also the most connections accepted per loop iteration.
     *
     * @param backlog a positive count
     * @return a copy with it
     */
    public NetOptions withBacklog(int backlog) {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
        return new NetOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, limit, backlog,
                localAddress, startServing);
    }

    /**
     * The local address a client socket binds before connecting.
     *
     * @param address the local address, or {@code null} to let the system choose
     * @return a copy with it
     */
    public NetOptions withLocalAddress(SocketAddress address) {
        return new NetOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, limit, backlog,
                address, startServing);
    }

    /**
     * Whether a new server accepts connections at once (default) or only after
     * {@link Server#startServing()}.
     *
     * @param start false to create the server idle
     * @return a copy with it
     */
    public NetOptions withStartServing(boolean start) {
        return new NetOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, limit, backlog,
                localAddress, start);
    }

    /** @return the TLS context, or {@code null} for plain connections */
    public SSLContext ssl() {
        return ssl;
    }

    /** @return the TLS server name to verify, or {@code null} for the host connected to */
    public String serverHostname() {
        return serverHostname;
    }

    /** @return the TLS handshake timeout */
    public Duration sslHandshakeTimeout() {
        return sslHandshakeTimeout;
    }

    /** @return the TLS shutdown timeout */
    public Duration sslShutdownTimeout() {
        return sslShutdownTimeout;
    }

    /** @return the stream buffer limit in bytes */
    public int limit() {
        return limit;
    }

    /** @return the listen backlog */
    public int backlog() {
        return backlog;
    }

    /** @return the local address to bind, or {@code null} */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** @return whether servers start accepting at once */
    public boolean startServing() {
        return startServing;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "NetOptions[ssl=" + (ssl != null) + ", serverHostname=" + serverHostname + ", limit=" + limit
                + ", backlog=" + backlog + ", localAddress=" + localAddress + ", startServing=" + startServing + "]";
    }
}
