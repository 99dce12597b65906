package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.openConnection;
import static dev.asyncio4j.Asyncio.startServer;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import dev.asyncio4j.NetOptions;
import dev.asyncio4j.Server;
import dev.asyncio4j.StreamPair;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * Behaviours of CPython's Lib/test/test_asyncio/test_server.py (python/cpython at
 * 001c28668c5e11e6c637bd4271c2a0125cc30409): serve_forever and its cancellation, start_serving=False,
 * wait_closed waiting for the connections, close_clients / abort_clients, Unix socket file clean-up.
 * Where asyncio's test drives a client from a thread with a blocking socket, these use a client task
 * on the same loop.
 */
class ServerTest {
    private static final byte[] HELLO_MSG;

    static {
        HELLO_MSG = new byte[5 * 1024 + 1];
        Arrays.fill(HELLO_MSG, (byte) '1');
        HELLO_MSG[HELLO_MSG.length - 1] = '\n';
    }

    @TempDir
    Path dir;

    /* The handler of test_start_server_1: reads a line, cancels the main task, answers "1". */
    private static Server.ClientConnected cancellingServe(Task<?>[] main) {
        return (reader, writer) -> {
            reader.readline();
            main[0].cancel();
            writer.write("1".getBytes(US_ASCII));
            writer.close();
            writer.waitClosed();
        };
    }

    private static byte[] clientExchange(StreamPair conn) throws IOException {
        conn.writer().write(HELLO_MSG);
        byte[] got = conn.reader().readexactly(1);
        conn.close();
        return got;
    }

    @Test
    void testStartServer1() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Task<?>[] main = new Task<?>[1];
            Server srv = startServer(cancellingServe(main), "127.0.0.1", 0,
                    NetOptions.defaults().withStartServing(false));
            assertThat(srv.isServing()).isFalse();
            int port = srv.port();
            main[0] = Asyncio.createTask(() -> {
                try (srv) {
                    srv.serveForever();
                }
                return null;
            });
            Asyncio.sleep(Duration.ZERO);
            assertThat(srv.isServing()).isTrue(); // serveForever starts serving
            log.add("got " + new String(clientExchange(openConnection("127.0.0.1", port)), US_ASCII));
            assertThatThrownBy(() -> Asyncio.await(main[0])).isInstanceOf(CancelledError.class);
            assertThat(srv.sockets()).isEmpty();
            assertThat(srv.isServing()).isFalse();
            assertThatThrownBy(srv::serveForever).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
            return null;
        });
        assertThat(log).containsExactly("got 1");
    }

    @Test
    void testStartUnixServer1() {
        Path addr = dir.resolve("s.sock");
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Task<?>[] main = new Task<?>[1];
            Server srv = Asyncio.startUnixServer(cancellingServe(main), addr,
                    NetOptions.defaults().withStartServing(false));
            Future<Void> started = Asyncio.getRunningLoop().createFuture();
            main[0] = Asyncio.createTask(() -> {
                try (srv) {
                    assertThat(srv.isServing()).isFalse();
                    srv.startServing();
                    assertThat(srv.isServing()).isTrue();
                    started.setResult(null);
                    srv.serveForever();
                }
                return null;
            });
            Asyncio.await(started);
            StreamPair conn = Asyncio.openUnixConnection(addr, NetOptions.defaults());
            assertThat(conn.writer().getExtraInfo("peername")).hasToString(addr.toString());
            log.add("got " + new String(clientExchange(conn), US_ASCII));
            assertThatThrownBy(() -> Asyncio.await(main[0])).isInstanceOf(CancelledError.class);
            assertThat(srv.sockets()).isEmpty();
            assertThat(srv.isServing()).isFalse();
            assertThatThrownBy(srv::serveForever).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
            return null;
        });
        assertThat(log).containsExactly("got 1");
    }

    /* A handler that reads until EOF, then closes: test_server.py's serve(rd, wr). */
    private static final Server.ClientConnected READ_THEN_CLOSE = (reader, writer) -> {
        try {
            reader.read(-1);
        } finally {
            writer.close();
            writer.waitClosed();
        }
    };

    private static Task<Void> waitClosedTask(Server srv) {
        return Asyncio.createTask(() -> {
            srv.waitClosed();
            return null;
        });
    }

    @Test
    void testWaitClosedBasic() {
        Asyncio.run(() -> {
            try (Server srv = startServer(READ_THEN_CLOSE, "127.0.0.1", 0)) {
                Task<Void> task1 = waitClosedTask(srv);
                Asyncio.sleep(Duration.ZERO);
                assertThat(task1.isDone()).as("not closed, no connection").isFalse();

                StreamPair conn = openConnection("127.0.0.1", srv.port());
                Task<Void> task2 = waitClosedTask(srv);
                Asyncio.sleep(Duration.ZERO);
                assertThat(task1.isDone()).isFalse();
                assertThat(task2.isDone()).isFalse();

                srv.close();
                Asyncio.sleep(Duration.ZERO);
                Task<Void> task3 = waitClosedTask(srv);
                Asyncio.sleep(Duration.ZERO);
                assertThat(List.of(task1, task2, task3)).as("closed, one connection").noneMatch(Task::isDone);

                conn.writer().close();
                conn.writer().waitClosed();
                Asyncio.await(Asyncio.gather(task1, task2, task3));
                srv.waitClosed(); // returns at once
            }
            return null;
        });
    }

    @Test
    void testWaitClosedRace() {
        Asyncio.run(() -> {
            try (Server srv = startServer(READ_THEN_CLOSE, "127.0.0.1", 0)) {
                Task<Void> task = waitClosedTask(srv);
                Asyncio.sleep(Duration.ZERO);
                assertThat(task.isDone()).isFalse();
                StreamPair conn = openConnection("127.0.0.1", srv.port());
                Asyncio.getRunningLoop().callSoon(srv::close);
                Asyncio.getRunningLoop().callSoon(conn.writer()::close);
                srv.waitClosed();
                Asyncio.await(task);
            }
            return null;
        });
    }

    @Test
    void testCloseClients() {
        Asyncio.run(() -> {
            try (Server srv = startServer(READ_THEN_CLOSE, "127.0.0.1", 0)) {
                StreamPair conn = openConnection("127.0.0.1", srv.port());
                try (conn) {
                    Task<Void> task = waitClosedTask(srv);
                    Asyncio.sleep(Duration.ZERO);
                    assertThat(task.isDone()).isFalse();
                    srv.close();
                    srv.closeClients();
                    Asyncio.waitFor(task, Duration.ofSeconds(30));
                    assertThat(conn.reader().read(-1)).as("the client sees EOF").isEmpty();
                }
            }
            return null;
        });
    }

    /** abortClients drops even a connection whose writer is stuck on a full buffer. */
    @Test
    void testAbortClients() {
        Asyncio.run(() -> {
            Future<StreamPair> served = Asyncio.getRunningLoop().createFuture();
            try (Server srv = startServer((r, w) -> {
                served.setResult(new StreamPair(r, w));
                w.waitClosed();
            }, "127.0.0.1", 0)) {
                StreamPair client = openConnection("127.0.0.1", srv.port(), NetOptions.defaults().withLimit(4096));
                try (client) {
                    StreamPair server = Asyncio.await(served);
                    byte[] chunk = new byte[4096];
                    for (int i = 0; i < 3; i++) {
                        server.writer().write(chunk);
                    }
                    while (client.writer().transport().isReading()) {
                        Asyncio.sleep(Duration.ZERO);
                    }
                    byte[] big = new byte[1 << 20];
                    for (int i = 0; i < 64 && server.writer().transport().getWriteBufferSize() == 0; i++) {
                        server.writer().write(big);
                    }
                    assertThat(server.writer().transport().getWriteBufferSize()).isPositive();

                    Task<Void> task = waitClosedTask(srv);
                    Asyncio.sleep(Duration.ZERO);
                    assertThat(task.isDone()).isFalse();
                    srv.close();
                    srv.abortClients();
                    Asyncio.waitFor(task, Duration.ofSeconds(30));
                    assertThat(server.writer().transport().getWriteBufferSize()).as("buffer dropped").isZero();
                }
            }
            return null;
        });
    }

    /** A server closed after accepting, before the connection was set up, still finishes waitClosed. */
    @Test
    void testCloseRace() {
        Asyncio.run(() -> {
            Server srv = startServer((r, w) -> { }, "127.0.0.1", 0);
            Task<StreamPair> conn = Asyncio.createTask(() -> openConnection("127.0.0.1", srv.port()));
            Asyncio.sleep(Duration.ZERO);
            Asyncio.sleep(Duration.ZERO);
            srv.close();
            try {
                Asyncio.await(conn).close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                assertThat(e).as("refused or reset by the closing server").isInstanceOf(IOException.class);
            }
            Asyncio.waitFor(() -> {
                srv.waitClosed();
                return null;
            }, Duration.ofSeconds(30));
            return null;
        });
    }

    @Test
    void testUnixServerAddrCleanup() {
        Path addr = dir.resolve("clean.sock");
        Asyncio.run(() -> {
            Server srv = Asyncio.startUnixServer((r, w) -> { }, addr, NetOptions.defaults());
            assertThat(addr).exists();
            srv.close();
            assertThat(addr).doesNotExist();
            return null;
        });
    }

    @Test
    void testUnixServerCleanupGone() {
        Path addr = dir.resolve("gone.sock");
        Asyncio.run(() -> {
            Server srv = Asyncio.startUnixServer((r, w) -> { }, addr, NetOptions.defaults());
            Files.delete(addr);
            srv.close(); // nothing to remove, no error
            assertThat(addr).doesNotExist();
            return null;
        });
    }

    @Test
    void testUnixServerCleanupReplaced() {
        Path addr = dir.resolve("replaced.sock");
        Asyncio.run(() -> {
            Server srv = Asyncio.startUnixServer((r, w) -> { }, addr, NetOptions.defaults());
            Files.delete(addr);
            try (var other = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                other.bind(java.net.UnixDomainSocketAddress.of(addr));
                srv.close();
                assertThat(addr).as("someone else's socket is left alone").exists();
            }
            return null;
        });
    }

    /** A stale socket file is replaced; a regular file in the way is refused and kept. */
    @Test
    void testUnixServerStaleSocketAndRegularFile() throws IOException {
        Path stale = dir.resolve("stale.sock");
        Path regular = Files.writeString(dir.resolve("regular"), "keep me");
        Asyncio.run(() -> {
            try (var old = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                old.bind(java.net.UnixDomainSocketAddress.of(stale));
            }
            try (Server srv = Asyncio.startUnixServer((r, w) -> w.write(r.readline()), stale, NetOptions.defaults())) {
                StreamPair conn = Asyncio.openUnixConnection(stale, NetOptions.defaults());
                conn.writer().write("ping\n".getBytes(US_ASCII));
                assertThat(new String(conn.reader().readline(), US_ASCII)).isEqualTo("ping\n");
                conn.close();
            }
            assertThatThrownBy(() -> Asyncio.startUnixServer((r, w) -> { }, regular, NetOptions.defaults()))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class).hasMessageContaining("not a socket");
            return null;
        });
        assertThat(Files.readString(regular)).isEqualTo("keep me");
    }

    @Test
    void testServeForeverTwiceIsRefused() {
        Asyncio.run(() -> {
            try (Server srv = startServer((r, w) -> { }, "127.0.0.1", 0)) {
                Task<Void> first = Asyncio.createTask(() -> {
                    srv.serveForever();
                    return null;
                });
                Asyncio.sleep(Duration.ZERO);
                assertThatThrownBy(srv::serveForever).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("already being awaited");
                first.cancel();
                assertThatThrownBy(() -> Asyncio.await(first)).isInstanceOf(CancelledError.class);
                assertThat(srv.isServing()).isFalse();
            }
            return null;
        });
    }

    /** A server created with startServing=false refuses nothing but accepts only once started. */
    @Test
    void testStartServingLater() {
        Asyncio.run(() -> {
            try (Server srv = startServer((r, w) -> w.write(r.readline()), "127.0.0.1", 0,
                    NetOptions.defaults().withStartServing(false))) {
                StreamPair conn = openConnection("127.0.0.1", srv.port()); // the kernel's backlog takes it
                conn.writer().write("hi\n".getBytes(US_ASCII));
                Task<byte[]> reply = Asyncio.createTask(conn.reader()::readline);
                Asyncio.sleep(Duration.ofMillis(50));
                assertThat(reply.isDone()).as("not accepted yet").isFalse();
                srv.startServing();
                assertThat(new String(Asyncio.await(reply), US_ASCII)).isEqualTo("hi\n");
                conn.close();
            }
            return null;
        });
    }

    /** Closing the server stops accepting: a later connect is refused. */
    @Test
    void testClosedServerRefusesConnections() {
        Asyncio.run(() -> {
            Server srv = startServer((r, w) -> { }, "127.0.0.1", 0);
            int port = srv.port();
            srv.close();
            srv.waitClosed();
            assertThatThrownBy(srv::port).isInstanceOf(IllegalStateException.class);
            srv.startServing();
            assertThat(srv.isServing()).isFalse();
            assertThatThrownBy(() -> openConnection("127.0.0.1", port)).isInstanceOf(SocketException.class);
            return null;
        });
    }
}
