package dev.asyncio4j;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/*
 * The protocol behind Subprocess: asyncio's SubprocessStreamProtocol. It puts a StreamReader on each
 * piped output and a StreamWriter (with a write-only StreamProtocol for drain()) on a piped stdin,
 * and keeps the waiters of Subprocess.waitExit() and waitClosed().
 */
final class SubprocessStreams implements SubprocessProtocol {
    private final int limit;
    private SubprocessTransport transport;
    private StreamReader stdout;
    private StreamReader stderr;
    private StreamProtocol stdinProtocol;
    private StreamWriter stdin;
    private final ArrayDeque<Future<Integer>> exitWaiters = new ArrayDeque<>();
    private Future<Void> closed;

    SubprocessStreams(int limit) {
        this.limit = limit;
    }

    @Override
    public void connectionMade(SubprocessTransport transport) {
        this.transport = transport;
        closed = Asyncio.getRunningLoop().createFuture();
        closed.setLabel("Subprocess.waitClosed");
        stdout = reader(transport.getPipeTransport(1));
        stderr = reader(transport.getPipeTransport(2));
        Transport in = transport.getPipeTransport(0);
        if (in != null) {
            stdinProtocol = new StreamProtocol(null);
            stdinProtocol.connectionMade(in);
            stdin = new StreamWriter(in, stdinProtocol, null);
        }
    }

    private StreamReader reader(Transport pipe) {
        if (pipe == null) {
            return null;
        }
        StreamReader r = new StreamReader(limit);
        r.setTransport(pipe);
        return r;
    }

    @Override
    public void pipeDataReceived(int fd, ByteBuffer data) {
        (fd == 1 ? stdout : stderr).feedData(data);
    }

    @Override
    public void pipeConnectionLost(int fd, Throwable error) {
        if (fd == 0) {
            stdinProtocol.connectionLost(error);
            return;
        }
        StreamReader r = fd == 1 ? stdout : stderr;
        if (error == null) {
            r.feedEof();
        } else {
            r.setException(error);
        }
    }

    @Override
    public void processExited() {
        Future<Integer> w;
        while ((w = exitWaiters.poll()) != null) {
            if (!w.isDone()) {
                w.setResult(transport.getReturncode());
            }
        }
    }

    @Override
    public void connectionLost(Throwable error) {
        if (!closed.isDone()) {
            closed.setResult(null);
        }
    }

    @Override
    public void pauseWriting() {
        stdinProtocol.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        stdinProtocol.resumeWriting();
    }

    StreamReader stdout() {
        return stdout;
    }

    StreamReader stderr() {
        return stderr;
    }

    StreamWriter stdin() {
        return stdin;
    }

    /* Suspends until the process has exited; a cancelled wait leaves the others alone. */
    int waitExit() {
        Integer code = transport.getReturncode();
        if (code != null) {
            return code;
        }
        Future<Integer> w = Asyncio.getRunningLoop().createFuture();
        w.setLabel("Subprocess.waitExit");
        exitWaiters.add(w);
        try {
            return Asyncio.await(w);
        } finally {
            exitWaiters.remove(w);
        }
    }

    void waitClosed() {
        Asyncio.await(Asyncio.shield(closed));
    }
}
