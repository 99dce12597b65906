package dev.asyncio4j.ssh;

/**
 * Authentication failed: the server accepted none of the offered methods (keys, agent, password,
 * keyboard-interactive), or {@code sudo} rejected its password. The message names the user, the host
 * and the methods tried, never a secret.
 */
public final class PermissionDenied extends DisconnectError {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an authentication failure.
     *
     * @param reason what was refused, e.g. {@code "a4jtest@127.0.0.1:22: permission denied (publickey,password)"}
     * @param cause  the underlying failure, or {@code null}
     */
    public PermissionDenied(String reason, Throwable cause) {
        super(NO_MORE_AUTH_METHODS_AVAILABLE, reason, cause);
    }
}
