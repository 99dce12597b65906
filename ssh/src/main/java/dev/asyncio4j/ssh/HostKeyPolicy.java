package dev.asyncio4j.ssh;

/**
 * What to do with a server host key that known_hosts does not vouch for: OpenSSH's
 * {@code StrictHostKeyChecking}. A changed or revoked key is refused under every policy except
 * {@link #TRUST_ALL_INSECURE}.
 *
 * <pre>{@code
 * SSHOptions first = SSHOptions.defaults().hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW);
 * }</pre>
 */
public enum HostKeyPolicy {
    /** The default ({@code StrictHostKeyChecking yes}): only keys found in known_hosts are accepted. */
    STRICT,
    /**
     * OpenSSH's {@code accept-new}: a host with no entry at all has its key appended to the user's
     * known_hosts file (safely under concurrent connections) and accepted; a changed key is still refused.
     */
    ACCEPT_NEW,
    /**
     * Accepts any key, unchecked and unrecorded: anybody between you and the server can read and change
     * everything, passwords included. For throw-away test servers only.
     */
    TRUST_ALL_INSECURE
}
