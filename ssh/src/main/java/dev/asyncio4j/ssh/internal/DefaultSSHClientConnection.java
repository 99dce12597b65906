package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import dev.asyncio4j.Semaphore;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.ssh.ChannelOpenError;
import dev.asyncio4j.ssh.ConnectionLost;
import dev.asyncio4j.ssh.PermissionDenied;
import dev.asyncio4j.ssh.ProcessError;
import dev.asyncio4j.ssh.SFTPClient;
import dev.asyncio4j.ssh.SSHForwardListener;
import dev.asyncio4j.Task;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHClientProcess;
import dev.asyncio4j.ssh.SSHCompletedProcess;
import dev.asyncio4j.ssh.SSHException;
import dev.asyncio4j.ssh.SSHRunOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

/** {@link SSHClientConnection} on a MINA {@link ClientSession}. */
final class DefaultSSHClientConnection implements SSHClientConnection {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ClientSession session;
    private final String host;
    private final String user;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Semaphore sessions;

    /**
     * Wraps an authenticated session.
     *
     * @param owned what this connection closes after its session (a jump host's forwarding and
     *              connection), in order
     */
    DefaultSSHClientConnection(ClientSession session, String host, String user, int maxSessions,
            List<AutoCloseable> owned) {
        this.session = session;
        this.sessions = new Semaphore(maxSessions);
        this.host = host;
        this.user = user;
        session.addCloseFutureListener(f -> {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the jump host is going away anyway; nothing more to release
                }
            }
            closed.complete(null);
        });
    }

    ClientSession session() {
        return session;
    }

    /** Waits (FIFO) for one of the connection's channel slots, opens the channel; the slot is freed on close. */
    @Override
    public SSHClientProcess createProcess(String command, SSHRunOptions options) throws IOException {
        sessions.acquire();
        boolean opened = false;
        try {
            SSHClientProcess p = open(command, options);
            opened = true;
            return p;
        } finally {
            if (!opened) {
                sessions.release();
            }
        }
    }

    private SSHClientProcess open(String command, SSHRunOptions options) throws IOException {
        ChannelExec channel = session.createExecChannel(command, options.pty() ? new PtyChannelConfiguration() : null,
                options.env());
        // MINA's exec channel sends its pty configuration only when told to use one
        channel.setUsePty(options.pty());
        channel.setStreaming(StreamingChannel.Streaming.Async);
        OpenFuture opened;
        try {
            opened = MinaFutures.await(channel.open(), null);
        } catch (IOException e) {
            throw lostOr(e, command);
        } catch (CancelledError e) {
            channel.close(true);
            throw e;
        }
        if (!opened.isOpened()) {
            channel.close(true);
            throw openFailure(opened.getException(), command);
        }
        return new DefaultSSHClientProcess(session, channel, command, host, sessions::release);
    }

    @Override
    public SSHCompletedProcess run(String command, SSHRunOptions options) throws IOException {
        String sudo = options.sudoPassword();
        SSHClientProcess p = createProcess(sudo == null ? command : Sudo.wrap(command), options);
        byte[] input = sudo == null ? options.input() : Sudo.input(sudo, options.input());
        byte[][] output;
        try {
            output = Asyncio.timeout(options.timeout(), scope -> collect(p, input));
        } catch (TimeoutError e) {
            throw new TimeoutError("'" + command + "' on " + host + " did not finish within " + options.timeout()
                    + "; its channel was closed");
        } finally {
            p.close();
        }
        SSHCompletedProcess result = new SSHCompletedProcess(command, p.exitStatus(), p.exitSignal(), output[0], output[1]);
        if (sudo != null && Sudo.refused(result)) {
            throw new PermissionDenied("sudo on " + host + " rejected the password of " + user + " for '" + command + "'", null);
        }
        if (options.check() && (p.exitSignal() != null || p.exitStatus() == null || p.exitStatus() != 0)) {
            throw new ProcessError(result);
        }
        return result;
    }

    /** Feeds the input, reads stdout here and stderr in a task, then waits for the exit. */
    private static byte[][] collect(SSHClientProcess p, byte[] input) throws IOException {
        Task<byte[]> err = Asyncio.createTask(() -> p.stderr().read(-1), "stderr of " + p.command());
        try {
            if (input != null) {
                p.stdin().write(input);
            }
            p.stdin().writeEof();
            byte[] out = p.stdout().read(-1);
            byte[] errBytes = Asyncio.await(err);
            p.waitExit();
            return new byte[][] {out, errBytes};
        } finally {
            if (!err.isDone()) {
                err.cancel();
            } else if (!err.isCancelled()) {
                err.exception();
            }
        }
    }

    private IOException lostOr(IOException e, String command) {
        if (!session.isOpen()) {
            return new ConnectionLost("connection to " + host + " lost before '" + command + "' started", e);
        }
        return e;
    }

    private IOException openFailure(Throwable error, String command) {
        if (error instanceof SshChannelOpenException e) {
            return new ChannelOpenError(e.getReasonCode(), host + " refused a session channel for '" + command + "': "
                    + e.getMessage(), e);
        }
        if (!session.isOpen()) {
            return new ConnectionLost("connection to " + host + " lost before '" + command + "' started", error);
        }
        return new SSHException("cannot open a channel for '" + command + "' on " + host + ": "
                + (error == null ? "unknown error" : error.getMessage()), error);
    }

    @Override
    public SFTPClient startSftpClient() throws IOException {
        sessions.acquire();
        return DefaultSFTPClient.open(session, host, sessions::release);
    }

    @Override
    public SSHForwardListener forwardLocalPort(String listenHost, int listenPort, String destHost, int destPort) throws IOException {
        return Forwarding.local(session, listenHost, listenPort, destHost, destPort);
    }

    @Override
    public SSHForwardListener forwardRemotePort(String listenHost, int listenPort, String destHost, int destPort) throws IOException {
        return Forwarding.remote(session, host, listenHost, listenPort, destHost, destPort);
    }

    @Override
    public SSHForwardListener forwardSocks(String listenHost, int listenPort) throws IOException {
        return Forwarding.socks(session, listenHost, listenPort);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String username() {
        return user;
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    @Override
    public Future<Void> waitClosed() {
        return Future.from(closed);
    }

    @Override
    public void close() {
        MinaFutures.closeGracefully(session, CLOSE_WAIT);
    }

    @Override
    public String toString() {
        return "SSHClientConnection[" + user + "@" + host + (isOpen() ? "" : ", closed") + "]";
    }
}
