package dev.asyncio4j;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * A listening server on an event loop: asyncio's {@code Server}. It accepts connections from the
 * moment it is created (unless started with {@code startServing=false}) until closed.
 *
 * <pre>{@code
 * try (Server server = Asyncio.startServer((reader, writer) -> {
 *         writer.write(reader.readline());
 *         writer.close();
 *     }, "127.0.0.1", 0)) {
 *     System.out.println("listening on " + server.port());
 *     server.serveForever();
 * }
 * }</pre>
 */
public interface Server extends AutoCloseable {

    /**
     * What a stream server runs, in a task of its own, for each accepted connection: asyncio's
     * {@code client_connected_cb}. An exception it throws is reported to the loop's exception handler
     * and closes the connection.
     */
    @FunctionalInterface
    interface ClientConnected {
        /**
         * Serves one connection.
         *
         * @param reader what the client sends
         * @param writer what we send back
         * @throws Exception any failure; reported, and the connection is closed
         */
        void accept(StreamReader reader, StreamWriter writer) throws Exception;
    }

    /**
     * Stops listening and closes the listening sockets; connections already accepted stay open.
     * Idempotent; does not wait (see {@link #waitClosed()}).
     */
    @Override
    void close();

    /** Closes every accepted connection (after their buffered data is sent). */
    void closeClients();

    /** Aborts every accepted connection at once. */
    void abortClients();

    /**
     * Waits until the server is closed and every connection it accepted has been closed.
     *
     * @throws CancelledError if the waiting task is cancelled
     */
    void waitClosed();

    /** Starts accepting connections, if not already; a closed server cannot start again. */
    void startServing();

    /**
     * Accepts connections until the calling task is cancelled, then closes the server and waits for
     * it to be closed.
     *
     * @throws IllegalStateException if the server is closed or another task already serves forever
     */
    void serveForever();

    /**
     * Whether the server accepts connections.
     *
     * @return true while listening
     */
    boolean isServing();

    /**
     * The addresses of the listening sockets (asyncio's {@code Server.sockets}), empty once closed.
     *
     * @return the bound addresses
     */
    List<SocketAddress> sockets();

    /**
     * The port the first TCP socket listens on, handy after binding port 0.
     *
     * @return the port number
     * @throws IllegalStateException if the server is closed or listens on no TCP socket
     */
    default int port() {
        for (SocketAddress a : sockets()) {
            if (a instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        throw new IllegalStateException("the server listens on no TCP socket: " + sockets());
    }

    /**
     * The loop the server runs on.
     *
     * @return its loop
     */
    EventLoop getLoop();
}
