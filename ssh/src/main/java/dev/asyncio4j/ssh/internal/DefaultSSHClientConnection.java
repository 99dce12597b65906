package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.ssh.ChannelOpenError;
import dev.asyncio4j.ssh.ConnectionLost;
import dev.asyncio4j.ssh.ProcessError;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHCompletedProcess;
import dev.asyncio4j.ssh.SSHException;
import dev.asyncio4j.ssh.SSHRunOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.future.CloseFuture;

/** {@link SSHClientConnection} on a MINA {@link ClientSession}. */
final class DefaultSSHClientConnection implements SSHClientConnection {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ClientSession session;
    private final String host;
    private final String user;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    DefaultSSHClientConnection(ClientSession session, String host, String user) {
        this.session = session;
        this.host = host;
        this.user = user;
        session.addCloseFutureListener(f -> closed.complete(null));
    }

    @Override
    public SSHCompletedProcess run(String command, SSHRunOptions options) throws IOException {
        ChannelExec channel = session.createExecChannel(command, options.pty() ? new PtyChannelConfiguration() : null,
                options.env());
        channel.setStreaming(StreamingChannel.Streaming.Async);
        OpenFuture opened;
        try {
            opened = MinaFutures.await(channel.open(), null);
        } catch (IOException e) {
            throw lostOr(e, command);
        }
        if (!opened.isOpened()) {
            channel.close(true);
            throw openFailure(opened.getException(), command);
        }
        ExecCollector collector = new ExecCollector(channel, options.input());
        boolean finished = false;
        try {
            Asyncio.waitFor(Future.from(collector.start()), options.timeout());
            finished = true;
        } catch (TimeoutError e) {
            throw new TimeoutError("'" + command + "' on " + host + " did not finish within " + options.timeout()
                    + "; its channel was closed");
        } catch (CancelledError e) {
            throw e;
        } catch (Throwable e) {
            if (!session.isOpen()) {
                throw new ConnectionLost("connection to " + host + " lost while running '" + command + "'", e);
            }
            throw new SSHException("'" + command + "' on " + host + " failed: " + e.getMessage(), e);
        } finally {
            if (!finished) {
                channel.close(true);
            }
        }
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        if (status == null && signal == null && !session.isOpen()) {
            throw new ConnectionLost("connection to " + host + " lost while running '" + command + "'", null);
        }
        SSHCompletedProcess result = new SSHCompletedProcess(command, status, signal, collector.stdout(), collector.stderr());
        if (options.check() && (signal != null || status == null || status != 0)) {
            throw new ProcessError(result);
        }
        return result;
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
        CloseFuture f = session.close(false);
        boolean inTask;
        try {
            inTask = Asyncio.currentTask() != null;
        } catch (IllegalStateException e) {
            inTask = false;
        }
        if (inTask) {
            try {
                MinaFutures.await(f, CLOSE_WAIT);
            } catch (TimeoutError e) {
                session.close(true);
            }
        }
    }

    @Override
    public String toString() {
        return "SSHClientConnection[" + user + "@" + host + (isOpen() ? "" : ", closed") + "]";
    }
}
