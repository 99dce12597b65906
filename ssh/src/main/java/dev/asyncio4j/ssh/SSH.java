package dev.asyncio4j.ssh;

import dev.asyncio4j.ssh.internal.Connector;
import dev.asyncio4j.ssh.internal.DefaultSSHServer;
import java.io.IOException;

/**
 * The entry point of the SSH client: asyncssh's {@code asyncssh.connect}, called from a task.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     try (SSHClientConnection conn = SSH.connect("host", SSHOptions.defaults().username("me").password(pw))) {
 *         System.out.print(conn.run("dmidecode -t system").stdout());
 *     }
 *     return null;
 * });
 * }</pre>
 *
 * <p>Everything blocking (reading config and key files, running {@code Match exec}) happens on the
 * loop's executor and every network step on MINA's I/O threads, so only the calling task waits.
 */
public final class SSH {
    private SSH() {
    }

    /**
     * Connects with the default options (config file, agent, default keys, strict host key checking).
     *
     * @param host a host name, address or {@code ~/.ssh/config} alias
     * @return the authenticated connection
     * @throws IOException see {@link #connect(String, SSHOptions)}
     */
    public static SSHClientConnection connect(String host) throws IOException {
        return connect(host, SSHOptions.defaults());
    }

    /**
     * Connects and authenticates.
     *
     * @param host    a host name, address or {@code ~/.ssh/config} alias
     * @param options how to connect and log in
     * @return the authenticated connection
     * @throws HostKeyNotVerifiable      if the server's host key is unknown, changed or revoked
     * @throws PermissionDenied          if no authentication method succeeded
     * @throws java.net.ConnectException if nothing listens on the port
     * @throws java.net.UnknownHostException if the host name does not resolve
     * @throws java.net.SocketTimeoutException if the connect or login timeout expired
     * @throws IOException               for other network or SSH failures, and unreadable key files
     * @throws IllegalStateException     if called outside a task
     */
    public static SSHClientConnection connect(String host, SSHOptions options) throws IOException {
        return Connector.connect(host, options);
    }

    /**
     * Starts a small SSH server (exec requests only) whose handlers run on the calling task's loop:
     * asyncssh's {@code listen}.
     *
     * @param options where to listen, how to authenticate clients and how to run commands
     * @return the listening server; close it to stop
     * @throws IOException               if a key file cannot be read or the address cannot be bound
     * @throws IllegalArgumentException  if the options allow no authentication method
     * @throws IllegalStateException     if called outside a task
     */
    public static SSHServer listen(SSHServerOptions options) throws IOException {
        return DefaultSSHServer.listen(options);
    }
}
