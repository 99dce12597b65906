package dev.asyncio4j.ssh;

/**
 * A forwarded port on an SSH connection, listening until closed: asyncssh's {@code SSHListener}. Made by
 * {@link SSHClientConnection#forwardLocalPort}, {@link SSHClientConnection#forwardRemotePort} and
 * {@link SSHClientConnection#forwardSocks}.
 *
 * <pre>{@code
 * try (SSHForwardListener fwd = conn.forwardLocalPort("127.0.0.1", 0, "db.internal", 5432)) {
 *     connectTo("127.0.0.1", fwd.port());          // reaches db.internal:5432 from the server's side
 * }
 * }</pre>
 *
 * <p>Closing stops accepting new connections; connections already forwarded stay open until either end
 * closes them or the SSH connection closes. Closing the SSH connection closes all its listeners.
 */
public interface SSHForwardListener extends AutoCloseable {

    /**
     * Returns the port actually listened on: useful after asking for port 0. For a remote forward it is
     * the port on the server.
     *
     * @return the bound port
     */
    int port();

    /** Stops listening; idempotent. From a task it suspends the task while MINA unbinds. */
    @Override
    void close();
}
