package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.ssh.SSHException;
import dev.asyncio4j.ssh.SSHForwardListener;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.PortForwardingTracker;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Local, remote and dynamic port forwarding on MINA's trackers. Starting a forward binds a socket or
 * waits for the server's reply to a global request, both blocking in MINA, so it runs on the loop's
 * executor; a caller cancelled meanwhile gets the tracker closed, not leaked.
 */
final class Forwarding {
    private Forwarding() {
    }

    static SSHForwardListener local(ClientSession session, String listenHost, int listenPort, String destHost, int destPort)
            throws IOException {
        checkPort(listenPort);
        checkPort(destPort);
        return start(() -> session.createLocalPortForwardingTracker(new SshdSocketAddress(listenHost, listenPort),
                new SshdSocketAddress(destHost, destPort)), "forward local " + listenHost + ":" + listenPort
                + " to " + destHost + ":" + destPort);
    }

    static SSHForwardListener remote(ClientSession session, String host, String listenHost, int listenPort, String destHost,
            int destPort) throws IOException {
        checkPort(listenPort);
        checkPort(destPort);
        return start(() -> session.createRemotePortForwardingTracker(new SshdSocketAddress(listenHost, listenPort),
                new SshdSocketAddress(destHost, destPort)), "forward " + listenHost + ":" + listenPort + " on " + host
                + " to local " + destHost + ":" + destPort);
    }

    static SSHForwardListener socks(ClientSession session, String listenHost, int listenPort) throws IOException {
        checkPort(listenPort);
        return start(() -> session.createDynamicPortForwardingTracker(new SshdSocketAddress(listenHost, listenPort)),
                "SOCKS proxy on " + listenHost + ":" + listenPort);
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    private static SSHForwardListener start(Callable<PortForwardingTracker> open, String what) throws IOException {
        PortForwardingTracker tracker;
        try {
            tracker = Blocking.uncancellable(open, () -> { }, PortForwardingTracker::close);
        } catch (Exception e) {
            // Asyncio.await rethrows the job's IOException as it is, undeclared
            if (e instanceof SshException mina) {
                throw new SSHException("cannot " + what + ": " + mina.getMessage(), mina);
            }
            throw e;
        }
        return new Listener(tracker);
    }

    /** One tracker, closed once, off the loop thread when called from a task. */
    private static final class Listener implements SSHForwardListener {
        private final PortForwardingTracker tracker;
        private final AtomicBoolean closed = new AtomicBoolean();

        Listener(PortForwardingTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public int port() {
            return tracker.getBoundAddress().getPort();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (MinaFutures.inTask()) {
                Asyncio.toThread(() -> {
                    closeQuietly();
                    return null;
                });
            } else {
                closeQuietly();
            }
        }

        private void closeQuietly() {
            try {
                tracker.close();
            } catch (IOException e) {
                // unbinding failed or the session is gone: nothing is listening either way
            }
        }

        @Override
        public String toString() {
            return "SSHForwardListener[" + tracker.getLocalAddress() + (closed.get() ? ", closed" : "") + "]";
        }
    }
}
