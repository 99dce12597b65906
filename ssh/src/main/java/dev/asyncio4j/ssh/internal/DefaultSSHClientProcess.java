package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.StreamProtocol;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import dev.asyncio4j.ssh.ConnectionLost;
import dev.asyncio4j.ssh.SSHClientProcess;
import dev.asyncio4j.ssh.SSHException;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.exit.ExitSignalChannelRequestHandler;
import org.apache.sshd.client.channel.exit.ExitStatusChannelRequestHandler;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/** {@link SSHClientProcess} on an open MINA exec channel in asynchronous streaming mode. */
final class DefaultSSHClientProcess implements SSHClientProcess {
    /**
     * The state-change hints MINA gives channel listeners when the command has exited or the server closed
     * the channel: after them nothing will read the remote stdin.
     */
    private static final Set<String> STDIN_ENDERS = Set.of(ExitStatusChannelRequestHandler.NAME,
            ExitSignalChannelRequestHandler.NAME, "SSH_MSG_CHANNEL_CLOSE");

    private final ClientSession session;
    private final ChannelExec channel;
    private final String command;
    private final String host;
    private final StreamReader stdout = new StreamReader();
    private final StreamReader stderr = new StreamReader();
    private final StreamWriter stdin;
    private final ChannelWriteTransport stdinTransport;
    private final Future<Void> exited;
    private final Runnable releaseSlot;
    private final SessionLoss loss;
    private Integer exitStatus;
    private String exitSignal;

    /**
     * Starts the streams of an open channel.
     *
     * @param loss     why the connection ended, for {@link ConnectionLost} messages
     * @param onClosed run on the loop once the channel has closed (frees the connection's slot)
     */
    DefaultSSHClientProcess(ClientSession session, ChannelExec channel, String command, String host, SessionLoss loss,
            Runnable onClosed) {
        this.session = session;
        this.loss = loss;
        this.releaseSlot = onClosed;
        this.channel = channel;
        this.command = command;
        this.host = host;
        EventLoop loop = Asyncio.getRunningLoop();
        exited = loop.createFuture();
        String description = "'" + command + "' on " + host;
        new ChannelReadTransport(loop, channel.getAsyncOut(), "stdout", description, this::streamError, this::cutShort)
                .start(new StreamProtocol(stdout));
        new ChannelReadTransport(loop, channel.getAsyncErr(), "stderr", description, this::streamError, this::cutShort)
                .start(new StreamProtocol(stderr));
        StreamProtocol stdinProtocol = new StreamProtocol(null);
        stdinTransport = new ChannelWriteTransport(loop, channel.getAsyncIn(), description, this::streamError);
        stdinTransport.start(stdinProtocol);
        stdin = new StreamWriter(stdinTransport, stdinProtocol, null);
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel c, String hint) {
                if (STDIN_ENDERS.contains(hint)) {
                    LoopPost.post(loop, DefaultSSHClientProcess.this::stdinEnded);
                }
            }
        });
        channel.addCloseFutureListener(f -> LoopPost.post(loop, this::onClosed));
    }

    /**
     * Ends the remote stdin once the command has exited or the channel closed: unsent input is dropped.
     * Without this a command that exits without reading all its input hangs: the queued input waits for
     * window the server never opens again, our EOF waits behind it, and OpenSSH waits for that EOF before
     * it closes the channel.
     */
    private void stdinEnded() {
        stdinTransport.channelClosed(connectionLost() ? lost(null) : null);
    }

    private void onClosed() {
        exitStatus = channel.getExitStatus();
        exitSignal = channel.getExitSignal();
        stdinEnded();
        exited.setResult(null);
        releaseSlot.run();
    }

    private boolean connectionLost() {
        return !session.isOpen() || session.isClosing();
    }

    private ConnectionLost lost(Throwable cause) {
        return loss.lost("while running '" + command + "'", cause);
    }

    /** An output stream that ends without the server's EOF because the connection dropped was cut short. */
    private Throwable cutShort() {
        return !channel.isEofSignalled() && connectionLost() ? lost(null) : null;
    }

    private Throwable streamError(Throwable error) {
        if (connectionLost()) {
            return lost(error);
        }
        return new SSHException("channel of '" + command + "' on " + host + " failed: " + error.getMessage(), error);
    }

    @Override
    public String command() {
        return command;
    }

    @Override
    public StreamWriter stdin() {
        return stdin;
    }

    @Override
    public StreamReader stdout() {
        return stdout;
    }

    @Override
    public StreamReader stderr() {
        return stderr;
    }

    @Override
    public int waitExit() throws IOException {
        Asyncio.await(Asyncio.shield(exited)); // a cancelled wait must not cancel the exit itself
        if (exitStatus == null && exitSignal == null && connectionLost()) {
            throw lost(null);
        }
        return exitStatus != null ? exitStatus : exitSignal != null ? -Signals.number(exitSignal) : -1;
    }

    @Override
    public Integer exitStatus() {
        return exitStatus;
    }

    @Override
    public String exitSignal() {
        return exitSignal;
    }

    @Override
    public void sendSignal(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, name.length() + 32);
        request.putUInt(channel.getRecipient());
        request.putString("signal");
        request.putBoolean(false);
        request.putString(name);
        session.writePacket(request);
    }

    @Override
    public void close() {
        // Graceful: MINA's immediate close drops the channel without telling the server, which then keeps
        // it (and a MaxSessions slot) until the connection ends.
        channel.close(false);
    }

    @Override
    public String toString() {
        return "SSHClientProcess['" + command + "' on " + host + (exited.isDone() ? ", exited " + exitStatus : "") + "]";
    }
}
