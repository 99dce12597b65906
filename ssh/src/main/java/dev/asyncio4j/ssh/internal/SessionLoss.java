package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.ssh.ConnectionLost;
import java.time.Duration;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Records why a client session ended, as MINA reports it (the failure that closed it, or the server's
 * disconnect message), so that every {@link ConnectionLost} of the connection says why: for instance
 * that keepalives went unanswered. Registered on the session as a listener; thread-safe.
 */
final class SessionLoss implements SessionListener {
    /** The end of the message MINA's client heartbeat fails the session with after too many unanswered keepalives. */
    private static final String HEARTBEAT_FAILURE = "heartbeat requests without reply";

    private final String host;
    private final String address;
    private final Duration keepalive;
    private final int keepaliveMax;
    private volatile String reason;

    /**
     * Creates the recorder.
     *
     * @param host         the host as the user named it, for messages
     * @param address      {@code hostName:port} actually reached
     * @param keepalive    the keepalive interval, or {@code null}
     * @param keepaliveMax unanswered keepalives tolerated
     */
    SessionLoss(String host, String address, Duration keepalive, int keepaliveMax) {
        this.host = host;
        this.address = address;
        this.keepalive = keepalive;
        this.keepaliveMax = keepaliveMax;
    }

    @Override
    public void sessionException(Session session, Throwable t) {
        if (reason != null) {
            return;
        }
        String message = t.getMessage();
        if (keepalive != null && t instanceof SshException && message != null && message.endsWith(HEARTBEAT_FAILURE)) {
            reason = "no reply from " + address + " to " + keepaliveMax + " keepalive" + (keepaliveMax == 1 ? "" : "s")
                    + " (one every " + Connector.seconds(keepalive) + ")";
        } else {
            reason = message != null ? message : t.getClass().getSimpleName();
        }
    }

    @Override
    public void sessionDisconnect(Session session, int code, String msg, String language, boolean initiator) {
        if (reason == null && !initiator) {
            reason = address + " disconnected" + (msg == null || msg.isEmpty() ? "" : ": " + msg);
        }
    }

    /** Records that this client is closing the connection, unless it was lost already. */
    void closing() {
        if (reason == null) {
            reason = "closed by this client";
        }
    }

    /**
     * Returns the error for an operation the lost connection interrupted.
     *
     * @param what  e.g. {@code "while running 'make'"}
     * @param cause the operation's own failure, or {@code null}
     * @return the error, with the recorded reason when there is one
     */
    ConnectionLost lost(String what, Throwable cause) {
        String why = reason;
        return new ConnectionLost("connection to " + host + " lost " + what + (why == null ? "" : ": " + why), cause);
    }
}
