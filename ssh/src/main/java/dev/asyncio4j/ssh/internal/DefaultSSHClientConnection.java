package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Event;
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
    /** How long after a close a refusal may still be the server catching up; the first retry's delay. */
    private static final Duration RECENT_CLOSE = Duration.ofSeconds(2);
    private static final Duration SERVER_LAG = Duration.ofMillis(10);
    /** A terminal's default EOF character, ^D. */
    private static final byte EOT = 4;

    private final ClientSession session;
    private final String host;
    private final String user;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Semaphore sessions;
    private final SessionLoss loss;
    /** Channels open now; the time the last one closed; set (and replaced) whenever one closes. */
    private int openChannels;
    private long lastCloseNanos;
    private Event channelClosed = new Event();

    /**
     * Wraps an authenticated session.
     *
     * @param loss  records why the session ends, for {@link ConnectionLost} messages
     * @param owned what this connection closes after its session (a jump host's forwarding and
     *              connection), in order
     */
    DefaultSSHClientConnection(ClientSession session, String host, String user, int maxSessions, SessionLoss loss,
            List<AutoCloseable> owned) {
        this.session = session;
        this.loss = loss;
        session.addSessionListener(loss);
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

    /**
     * Waits (FIFO) for one of the connection's channel slots, opens the channel; the slot is freed on close.
     * A refusal that may be the server's own session limit (MaxSessions) is waited out rather than
     * reported: another channel of ours is still open, or one closed a moment ago (the server frees a
     * session a little after the close exchange, so an open sent right behind a close can be refused).
     */
    @Override
    public SSHClientProcess createProcess(String command, SSHRunOptions options) throws IOException {
        requireOpen("before '" + command + "' started");
        sessions.acquire();
        boolean opened = false;
        try {
            for (int lagRetries = 0; ; ) {
                try {
                    SSHClientProcess p = open(command, options);
                    opened = true;
                    return p;
                } catch (ChannelOpenError e) {
                    if (openChannels > 0 && session.isOpen()) {
                        Event next = channelClosed;
                        next.await();
                        Asyncio.sleep(SERVER_LAG);
                    } else if (lagRetries < 6 && System.nanoTime() - lastCloseNanos < RECENT_CLOSE.toNanos()) {
                        Asyncio.sleep(SERVER_LAG.multipliedBy(1L << lagRetries++));
                    } else {
                        throw e;
                    }
                }
            }
        } finally {
            if (!opened) {
                sessions.release();
            }
        }
    }

    /** Runs on the loop when a channel of this connection has closed. */
    private void channelClosed() {
        openChannels--;
        lastCloseNanos = System.nanoTime();
        Event closedOne = channelClosed;
        channelClosed = new Event();
        closedOne.set();
        sessions.release();
    }

    private SSHClientProcess open(String command, SSHRunOptions options) throws IOException {
        ChannelExec channel;
        try {
            channel = session.createExecChannel(command, options.pty() ? terminal() : null, options.env());
            channel.setUsePty(options.pty());
        } catch (IllegalStateException e) { // MINA registers no channel on a closing session
            if (isOpen()) {
                throw e;
            }
            throw loss.lost("before '" + command + "' started", e);
        }
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
        openChannels++;
        return new DefaultSSHClientProcess(session, channel, command, host, loss, this::channelClosed);
    }

    /**
     * The pseudo-terminal a pty command gets: an 80x24 {@code xterm} with MINA's default modes (echo,
     * canonical input, signal characters). MINA would otherwise take the type from this JVM's
     * {@code $TERM}.
     */
    private static PtyChannelConfiguration terminal() {
        PtyChannelConfiguration pty = new PtyChannelConfiguration();
        pty.setPtyType("xterm");
        pty.setPtyColumns(80);
        pty.setPtyLines(24);
        return pty;
    }

    @Override
    public SSHCompletedProcess run(String command, SSHRunOptions options) throws IOException {
        String sudo = options.sudoPassword();
        SSHClientProcess p = createProcess(sudo == null ? command : Sudo.wrap(command), options);
        byte[] input = sudo == null ? options.input() : Sudo.input(sudo, options.input());
        byte[][] output = null;
        try {
            output = Asyncio.timeout(options.timeout(), scope -> collect(p, input, options.pty()));
        } catch (TimeoutError e) {
            throw new TimeoutError("'" + command + "' on " + host + " did not finish within " + options.timeout()
                    + "; it was sent SIGTERM and its channel was closed");
        } finally {
            if (output == null) {
                stop(p);
            }
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

    /**
     * Asks the server to end a command run() gives up on (timeout, cancellation, failure): closing the
     * channel alone leaves it running under OpenSSH until it ends by itself.
     */
    private static void stop(SSHClientProcess p) {
        if (p.exitStatus() == null && p.exitSignal() == null) {
            try {
                p.terminate();
            } catch (IOException | RuntimeException e) {
                // the connection or channel is already gone, and the command's hang-up with it
            }
        }
    }

    /** Feeds the input, reads stdout here and stderr in a task, then waits for the exit. */
    private static byte[][] collect(SSHClientProcess p, byte[] input, boolean pty) throws IOException {
        Task<byte[]> err = Asyncio.createTask(() -> p.stderr().read(-1), "stderr of " + p.command());
        try {
            if (input != null) {
                p.stdin().write(input);
            }
            if (pty) {
                // A terminal never passes the channel's EOF on (sshd cannot close one direction of a pty);
                // its EOF character does: once at the start of a line, twice after a partial one.
                boolean partial = input != null && input.length > 0 && input[input.length - 1] != '\n';
                p.stdin().write(partial ? new byte[] {EOT, EOT} : new byte[] {EOT});
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
            return loss.lost("before '" + command + "' started", e);
        }
        return e;
    }

    private IOException openFailure(Throwable error, String command) {
        if (error instanceof SshChannelOpenException e) {
            return new ChannelOpenError(e.getReasonCode(), host + " refused a session channel for '" + command + "': "
                    + e.getMessage(), e);
        }
        if (!session.isOpen()) {
            return loss.lost("before '" + command + "' started", error);
        }
        return new SSHException("cannot open a channel for '" + command + "' on " + host + ": "
                + (error == null ? "unknown error" : error.getMessage()), error);
    }

    @Override
    public SFTPClient startSftpClient() throws IOException {
        requireOpen("before an SFTP session started");
        sessions.acquire();
        return DefaultSFTPClient.open(session, host, sessions::release);
    }

    /** A lost (or closed) connection refuses new channels at once, saying why it ended. */
    private void requireOpen(String what) throws ConnectionLost {
        if (!isOpen()) {
            throw loss.lost(what, null);
        }
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
        loss.closing();
        MinaFutures.closeGracefully(session, CLOSE_WAIT);
    }

    @Override
    public String toString() {
        return "SSHClientConnection[" + user + "@" + host + (isOpen() ? "" : ", closed") + "]";
    }
}
