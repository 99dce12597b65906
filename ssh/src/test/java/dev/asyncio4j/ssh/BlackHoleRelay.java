package dev.asyncio4j.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a server that can be switched into a network black hole: from
 * then on it forwards nothing either way, yet keeps both TCP connections open and keeps reading (what
 * it reads is dropped), so neither side sees an error or a full send buffer. Plain JDK sockets, one
 * thread per direction; {@link #close()} closes every socket and joins every thread.
 */
final class BlackHoleRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Thread acceptor;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private volatile boolean blackHole;
    private volatile boolean closed;

    /**
     * Starts relaying connections made to {@link #port()} to {@code host:port}.
     *
     * @param host the server's address
     * @param port the server's port
     * @throws IOException if the listener cannot be bound
     */
    BlackHoleRelay(String host, int port) throws IOException {
        target = new InetSocketAddress(host, port);
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("relay accept").start(this::acceptLoop);
    }

    /** @return the port clients connect to */
    int port() {
        return listener.getLocalPort();
    }

    /** Stops forwarding in both directions; the connections stay open and silent. */
    void blackHole() {
        blackHole = true;
    }

    /** @return bytes forwarded from clients to the server so far */
    long upstreamBytes() {
        return upstreamBytes.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                server.connect(target, 10_000);
                start("relay up", () -> pump(client, server, upstreamBytes));
                start("relay down", () -> pump(server, client, new AtomicLong()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buf = new byte[32 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (!blackHole) {
                    out.write(buf, 0, n);
                    counter.addAndGet(n);
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // a side closed; close() releases the rest
        }
    }

    private void start(String name, Runnable body) {
        Thread t = Thread.ofPlatform().daemon().name(name).start(body);
        synchronized (threads) {
            threads.add(t);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        listener.close();
        join(acceptor);
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            join(t);
        }
    }

    private static void join(Thread t) throws InterruptedException {
        t.join(30_000);
        if (t.isAlive()) {
            throw new IllegalStateException(t.getName() + " did not stop");
        }
    }
}
