package dev.asyncio4j.ssh;

/**
 * The server's host key could not be verified against known_hosts, so the connection was refused
 * before any credential was sent. The message shows the key's SHA256 fingerprint and what to do:
 * <ul>
 * <li>{@link Reason#UNKNOWN}: no entry for the host; the message says how to trust the key.</li>
 * <li>{@link Reason#CHANGED}: known_hosts has a different key for the host: possibly a
 *     man-in-the-middle, refused loudly, as OpenSSH does.</li>
 * <li>{@link Reason#REVOKED}: the key is marked {@code @revoked}.</li>
 * </ul>
 */
public final class HostKeyNotVerifiable extends DisconnectError {
    private static final long serialVersionUID = 1L;

    /** Why the key was not accepted. */
    public enum Reason {
        /** known_hosts has no key for this host. */
        UNKNOWN,
        /** known_hosts has another key of this host: possible man-in-the-middle. */
        CHANGED,
        /** the key is listed as {@code @revoked}. */
        REVOKED
    }

    private final Reason why;
    private final String host;
    private final String fingerprint;

    /**
     * Creates a host-key refusal.
     *
     * @param why         why the key was refused
     * @param host        the host as looked up in known_hosts ({@code name} or {@code [name]:port})
     * @param fingerprint the key type and SHA256 fingerprint, e.g. {@code "ssh-ed25519 SHA256:…"}
     * @param message     the full explanation, including how to proceed
     */
    public HostKeyNotVerifiable(Reason why, String host, String fingerprint, String message) {
        super(HOST_KEY_NOT_VERIFIABLE, message);
        this.why = why;
        this.host = host;
        this.fingerprint = fingerprint;
    }

    /**
     * Returns why the key was refused.
     *
     * @return the reason
     */
    public Reason why() {
        return why;
    }

    /**
     * Returns the host as looked up in known_hosts.
     *
     * @return {@code name} for port 22, {@code [name]:port} otherwise
     */
    public String host() {
        return host;
    }

    /**
     * Returns the server key's type and SHA256 fingerprint.
     *
     * @return e.g. {@code "ssh-ed25519 SHA256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg"}
     */
    public String fingerprint() {
        return fingerprint;
    }
}
