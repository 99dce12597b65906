package dev.asyncio4j.ssh;

/**
 * The SSH connection ended, by the peer's or our own SSH_MSG_DISCONNECT: carries the RFC 4253 reason
 * code and the reason text. Its subclasses name the common causes ({@link PermissionDenied},
 * {@link HostKeyNotVerifiable}, {@link ConnectionLost}), as in asyncssh.
 */
public class DisconnectError extends SSHException {
    private static final long serialVersionUID = 1L;

    /** RFC 4253 reason code: host key not verifiable. */
    public static final int HOST_KEY_NOT_VERIFIABLE = 9;
    /** RFC 4253 reason code: connection lost. */
    public static final int CONNECTION_LOST = 10;
    /** RFC 4253 reason code: by application. */
    public static final int BY_APPLICATION = 11;
    /** RFC 4253 reason code: no more authentication methods available. */
    public static final int NO_MORE_AUTH_METHODS_AVAILABLE = 14;

    private final int code;
    private final String reason;

    /**
     * Creates a disconnect error.
     *
     * @param code   the RFC 4253 reason code
     * @param reason the reason text (shown as the message)
     * @param cause  the underlying failure, or {@code null}
     */
    public DisconnectError(int code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
        this.reason = reason;
    }

    /**
     * Creates a disconnect error without a cause.
     *
     * @param code   the RFC 4253 reason code
     * @param reason the reason text (shown as the message)
     */
    public DisconnectError(int code, String reason) {
        this(code, reason, null);
    }

    /**
     * Returns the RFC 4253 reason code.
     *
     * @return the code, e.g. {@link #CONNECTION_LOST}
     */
    public int code() {
        return code;
    }

    /**
     * Returns the reason text.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }
}
