package dev.asyncio4j.ssh;

/**
 * The server refused to open a channel (a session, a forwarded port, a subsystem): carries the
 * RFC 4254 reason code and the server's text.
 */
public final class ChannelOpenError extends SSHException {
    private static final long serialVersionUID = 1L;

    /** RFC 4254 reason code: administratively prohibited. */
    public static final int ADMINISTRATIVELY_PROHIBITED = 1;
    /** RFC 4254 reason code: connect failed. */
    public static final int CONNECT_FAILED = 2;
    /** RFC 4254 reason code: unknown channel type. */
    public static final int UNKNOWN_CHANNEL_TYPE = 3;
    /** RFC 4254 reason code: resource shortage. */
    public static final int RESOURCE_SHORTAGE = 4;

    private final int code;
    private final String reason;

    /**
     * Creates a channel-open failure.
     *
     * @param code   the RFC 4254 reason code
     * @param reason the server's text (shown as the message)
     * @param cause  the underlying failure, or {@code null}
     */
    public ChannelOpenError(int code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
        this.reason = reason;
    }

    /**
     * Returns the RFC 4254 reason code.
     *
     * @return the code, e.g. {@link #ADMINISTRATIVELY_PROHIBITED}
     */
    public int code() {
        return code;
    }

    /**
     * Returns the server's reason text.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }
}
