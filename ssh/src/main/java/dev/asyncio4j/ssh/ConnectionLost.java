package dev.asyncio4j.ssh;

/**
 * The connection closed underneath an operation: the server died, the network dropped it, keepalives
 * went unanswered ({@link SSHOptions#keepalive}), or the connection was closed while a command was
 * still running. The message says which when it is known.
 */
public final class ConnectionLost extends DisconnectError {
    private static final long serialVersionUID = 1L;

    /**
     * Creates a connection-lost error.
     *
     * @param reason what was lost, e.g. {@code "connection to host:22 lost while running 'make'"}
     * @param cause  the underlying failure, or {@code null}
     */
    public ConnectionLost(String reason, Throwable cause) {
        super(CONNECTION_LOST, reason, cause);
    }
}
