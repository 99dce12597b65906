package dev.asyncio4j.ssh;

import dev.asyncio4j.Future;
import java.io.IOException;

/**
 * An authenticated SSH connection: asyncssh's {@code SSHClientConnection}. Made by
 * {@link SSH#connect}; closing it closes every channel on it.
 *
 * <pre>{@code
 * try (SSHClientConnection conn = SSH.connect("127.0.0.1", SSHOptions.defaults().port(2222))) {
 *     SSHCompletedProcess p = conn.run("echo hello");
 *     System.out.print(p.stdout());                       // hello
 * }
 * }</pre>
 *
 * <p>Loop-confined: call its methods from tasks of the loop that connected it. Methods that wait
 * ({@link #run}, {@link #close}) suspend only the calling task; MINA's I/O threads do the network work
 * and hand results to the loop.
 */
public interface SSHClientConnection extends AutoCloseable {

    /**
     * Runs a command and collects its output: {@code await conn.run(cmd)}.
     *
     * @param command the command line, run by the user's login shell on the server
     * @return the completed process
     * @throws IOException if the channel cannot be opened ({@link ChannelOpenError}) or the connection
     *                     is lost ({@link ConnectionLost})
     */
    default SSHCompletedProcess run(String command) throws IOException {
        return run(command, SSHRunOptions.defaults());
    }

    /**
     * Runs a command with input, check, timeout, environment or a pty.
     *
     * @param command the command line
     * @param options how to run it
     * @return the completed process
     * @throws ProcessError              if {@code check} is set and the command failed
     * @throws dev.asyncio4j.TimeoutError if the timeout expired (the channel is closed first)
     * @throws IOException               if the channel cannot be opened or the connection is lost
     */
    SSHCompletedProcess run(String command, SSHRunOptions options) throws IOException;

    /**
     * Starts a command with its stdin, stdout and stderr as streams: asyncssh's {@code create_process}.
     *
     * @param command the command line
     * @return the running process
     * @throws IOException if the channel cannot be opened ({@link ChannelOpenError}) or the connection
     *                     is lost ({@link ConnectionLost})
     */
    default SSHClientProcess createProcess(String command) throws IOException {
        return createProcess(command, SSHRunOptions.defaults());
    }

    /**
     * Starts a command with environment requests or a pty; the options' input, check and timeout
     * apply to {@link #run} only and are ignored here.
     *
     * @param command the command line
     * @param options the env and pty to request
     * @return the running process
     * @throws IOException if the channel cannot be opened or the connection is lost
     */
    SSHClientProcess createProcess(String command, SSHRunOptions options) throws IOException;

    /**
     * Starts an SFTP session on this connection: asyncssh's {@code start_sftp_client}. It takes one of the
     * connection's channel slots until closed.
     *
     * @return the SFTP client; close it when done
     * @throws SFTPError   if the server refuses the sftp subsystem
     * @throws IOException if the channel cannot be opened or the connection is lost
     */
    SFTPClient startSftpClient() throws IOException;

    /**
     * Listens on a local address and forwards each connection through the server to
     * {@code destHost:destPort}: {@code ssh -L}, asyncssh's {@code forward_local_port}.
     *
     * @param listenHost the local address to listen on, e.g. {@code "127.0.0.1"}
     * @param listenPort the local port, or 0 for any free one (see {@link SSHForwardListener#port})
     * @param destHost   the destination, as resolved by the server
     * @param destPort   the destination port
     * @return the listener; close it to stop forwarding
     * @throws IOException if the local port cannot be bound (the JDK's {@link java.net.BindException})
     */
    SSHForwardListener forwardLocalPort(String listenHost, int listenPort, String destHost, int destPort) throws IOException;

    /**
     * Asks the server to listen on {@code listenHost:listenPort} and forwards each connection back to
     * {@code destHost:destPort} as seen from this machine: {@code ssh -R}, asyncssh's
     * {@code forward_remote_port}.
     *
     * @param listenHost the server-side address to listen on, e.g. {@code "127.0.0.1"}
     * @param listenPort the server-side port, or 0 for any free one (see {@link SSHForwardListener#port})
     * @param destHost   the local destination host
     * @param destPort   the local destination port
     * @return the listener; close it to cancel the forward on the server
     * @throws SSHException if the server refuses the forward (e.g. {@code AllowTcpForwarding no}, port taken)
     * @throws IOException  if the connection is lost
     */
    SSHForwardListener forwardRemotePort(String listenHost, int listenPort, String destHost, int destPort) throws IOException;

    /**
     * Listens on a local address as a SOCKS (4 and 5, CONNECT only) proxy whose connections are made by
     * the server: {@code ssh -D}, asyncssh's {@code forward_socks}.
     *
     * @param listenHost the local address to listen on, e.g. {@code "127.0.0.1"}
     * @param listenPort the local port, or 0 for any free one (see {@link SSHForwardListener#port})
     * @return the listener; close it to stop the proxy
     * @throws IOException if the local port cannot be bound
     */
    SSHForwardListener forwardSocks(String listenHost, int listenPort) throws IOException;

    /**
     * Returns the host as given to {@link SSH#connect}.
     *
     * @return the host (alias or name)
     */
    String host();

    /**
     * Returns the user this connection is logged in as.
     *
     * @return the remote user
     */
    String username();

    /**
     * Tells whether the connection is still open.
     *
     * @return {@code false} once closed by either side
     */
    boolean isOpen();

    /**
     * Returns a future done when the connection has closed, for either reason.
     *
     * @return the close future of this connection's loop
     */
    Future<Void> waitClosed();

    /**
     * Closes the connection and, from a task, waits until it has closed; from outside a task it only
     * starts the close.
     */
    @Override
    void close();
}
