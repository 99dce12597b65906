package dev.asyncio4j.ssh;

import dev.asyncio4j.Future;
import java.security.PublicKey;

/**
 * A small SSH server on Apache MINA SSHD that runs exec requests with the local shell or a
 * {@link SSHServerHandler}: asyncssh's {@code SSHAcceptor}. Made by {@link SSH#listen}.
 *
 * <pre>{@code
 * try (SSHServer server = SSH.listen(SSHServerOptions.defaults().password("demo", pw))) {
 *     Files.writeString(knownHosts, server.knownHostsLine() + "\n");
 *     try (SSHClientConnection conn = SSH.connect("127.0.0.1", SSHOptions.defaults().port(server.port())
 *             .username("demo").password(pw).knownHosts(knownHosts).noConfig().agent(false))) {
 *         System.out.print(conn.run("echo hi").stdout());
 *     }
 * }
 * }</pre>
 *
 * <p>Its handlers run as tasks of the loop that called {@code listen}; the network work happens on
 * MINA's I/O threads. Closing it closes every session.
 */
public interface SSHServer extends AutoCloseable {

    /** @return the address it listens on, e.g. {@code 127.0.0.1} */
    String host();

    /** @return the port it listens on (the one chosen when the options asked for port 0) */
    int port();

    /** @return the public host key clients see */
    PublicKey hostKey();

    /**
     * Returns a known_hosts line for this server, e.g.
     * {@code [127.0.0.1]:40123 ecdsa-sha2-nistp256 AAAA…}.
     *
     * @return the line, without a newline
     */
    String knownHostsLine();

    /** @return a future done when the server has closed */
    Future<Void> waitClosed();

    /**
     * Stops listening and closes every session; from a task it waits until they have closed, from
     * outside a task it only starts the close.
     */
    @Override
    void close();
}
