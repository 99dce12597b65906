package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.StreamProtocol;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import dev.asyncio4j.Task;
import dev.asyncio4j.ssh.SSHException;
import dev.asyncio4j.ssh.SSHServerHandler;
import dev.asyncio4j.ssh.SSHServerProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;

/**
 * One exec request of an {@link DefaultSSHServer}: a MINA {@link AsyncCommand} whose asynchronous
 * streams become the core's streams (through the same channel transports the client uses) and whose
 * {@link SSHServerHandler} runs as a task of the server's loop. MINA calls the setters and
 * {@link #start} on its threads; everything else happens on the loop.
 */
final class ServerCommand implements AsyncCommand, SSHServerProcess {
    private final EventLoop loop;
    private final String command;
    private final SSHServerHandler handler;
    private final StreamReader stdin = new StreamReader();
    private IoInputStream in;
    private IoOutputStream out;
    private IoOutputStream err;
    private ExitCallback exitCallback;
    private String username;
    private Map<String, String> env;
    private StreamWriter stdout;
    private StreamWriter stderr;
    private Task<Void> task;
    private boolean exited;

    ServerCommand(EventLoop loop, String command, SSHServerHandler handler) {
        this.loop = loop;
        this.command = command;
        this.handler = handler;
    }

    @Override
    public void setIoInputStream(IoInputStream in) {
        this.in = in;
    }

    @Override
    public void setIoOutputStream(IoOutputStream out) {
        this.out = out;
    }

    @Override
    public void setIoErrorStream(IoOutputStream err) {
        this.err = err;
    }

    /** MINA offers the blocking streams too; this command uses the asynchronous ones. */
    @Override
    public void setInputStream(InputStream in) {
        // asynchronous mode: setIoInputStream carries stdin
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // asynchronous mode: setIoOutputStream carries stdout
    }

    @Override
    public void setErrorStream(OutputStream err) {
        // asynchronous mode: setIoErrorStream carries stderr
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exitCallback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) {
        username = channel.getSession().getUsername();
        env = Map.copyOf(environment.getEnv());
        LoopPost.post(loop, this::run);
    }

    private void run() {
        String description = "'" + command + "' served to " + username;
        new ChannelReadTransport(loop, in, "stdin", description, this::streamError, () -> null).start(new StreamProtocol(stdin));
        stdout = writer(out, description);
        stderr = writer(err, description);
        task = loop.createTask(() -> {
            try {
                handler.handle(this);
                exit(0);
            } catch (Exception e) {
                if (!exited) {
                    stderr.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                    exit(1);
                }
            }
            return null;
        }, "ssh-server " + command);
    }

    private StreamWriter writer(IoOutputStream stream, String description) {
        StreamProtocol protocol = new StreamProtocol(null);
        ChannelWriteTransport t = new ChannelWriteTransport(loop, stream, description, this::streamError);
        t.start(protocol);
        return new StreamWriter(t, protocol, null);
    }

    private Throwable streamError(Throwable error) {
        return new SSHException("channel of '" + command + "' served to " + username + " failed: "
                + error.getMessage(), error);
    }

    /** The client closed the channel or the connection dropped: the handler is cancelled. */
    @Override
    public void destroy(ChannelSession channel) {
        LoopPost.post(loop, () -> {
            exited = true;
            if (task != null) {
                task.cancel();
            }
        });
    }

    @Override
    public void exit(int status) {
        if (status < 0 || status > 255) {
            throw new IllegalArgumentException("exit status must be 0..255, got " + status);
        }
        if (exited) {
            return;
        }
        exited = true;
        stdout.close();
        stderr.close();
        if (Asyncio.currentTask() != null) {
            stdout.waitClosed();
            stderr.waitClosed();
        }
        exitCallback.onExit(status);
    }

    @Override
    public String command() {
        return command;
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public StreamReader stdin() {
        return stdin;
    }

    @Override
    public StreamWriter stdout() {
        return stdout;
    }

    @Override
    public StreamWriter stderr() {
        return stderr;
    }

    @Override
    public String toString() {
        return "SSHServerProcess['" + command + "' for " + username + (exited ? ", exited" : "") + "]";
    }
}
