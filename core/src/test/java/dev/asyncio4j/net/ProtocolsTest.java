package dev.asyncio4j.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.NetOptions;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.Server;
import dev.asyncio4j.Task;
import dev.asyncio4j.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol/transport layer, ported from the behaviours of CPython's test_events.py network
 * cases (MyProto's state machine, create_connection/create_server, write buffer limits, reading
 * pauses, close/abort) on 127.0.0.1 and Unix-domain sockets.
 */
class ProtocolsTest {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** asyncio's MyProto: asserts the callback order INITIAL -> CONNECTED -> EOF? -> CLOSED. */
    static class StateProto implements Protocol {
        final List<String> events = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        String state = "INITIAL";
        Transport transport;
        Future<Void> done;
        Throwable lostWith;
        boolean keepOpenOnEof;

        StateProto(EventLoop loop) {
            done = loop.createFuture();
        }

        @Override
        public void connectionMade(Transport t) {
            assertThat(state).isEqualTo("INITIAL");
            state = "CONNECTED";
            transport = t;
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer d) {
            assertThat(state).isEqualTo("CONNECTED");
            byte[] b = new byte[d.remaining()];
            d.get(b);
            data.writeBytes(b);
            events.add("data");
        }

        @Override
        public boolean eofReceived() {
            assertThat(state).isEqualTo("CONNECTED");
            state = "EOF";
            events.add("eof");
            return keepOpenOnEof;
        }

        @Override
        public void connectionLost(Throwable error) {
            assertThat(state).isIn("CONNECTED", "EOF");
            state = "CLOSED";
            lostWith = error;
            events.add("lost");
            if (!done.isDone()) {
                done.setResult(null);
            }
        }

        String text() {
            return data.toString(US_ASCII);
        }
    }

    private <T> T run(dev.asyncio4j.Coroutine<T> body) {
        return loop.runUntilComplete(loop.createTask(body));
    }

    @Test
    void createConnectionAndServerExchangeDataThenCloseInOrder() {
        List<StateProto> serverSide = new ArrayList<>();
        StateProto client = run(() -> {
            Server server = loop.createServer(() -> {
                StateProto p = new StateProto(loop) {
                    @Override
                    public void dataReceived(ByteBuffer d) {
                        super.dataReceived(d);
                        if (text().equals("xxx")) {
                            transport.write("yyy".getBytes(US_ASCII));
                            transport.close();
                        }
                    }
                };
                serverSide.add(p);
                return p;
            }, "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            assertThat(t).isSameAs(c.transport);
            assertThat(c.state).as("connectionMade ran before createConnection returned").isEqualTo("CONNECTED");
            t.write("xxx".getBytes(US_ASCII));
            Asyncio.await(c.done);
            Asyncio.await(serverSide.get(0).done);
            server.close();
            server.waitClosed();
            return c;
        });
        assertThat(client.text()).isEqualTo("yyy");
        assertThat(client.events).containsExactly("made", "data", "eof", "lost");
        assertThat(client.lostWith).isNull();
        StateProto srv = serverSide.get(0);
        assertThat(srv.text()).isEqualTo("xxx");
        assertThat(srv.events.get(0)).isEqualTo("made");
        assertThat(srv.events.get(srv.events.size() - 1)).isEqualTo("lost");
        assertThat(srv.state).isEqualTo("CLOSED");
    }

    @Test
    void extraInfoNamesBothEnds() {
        run(() -> {
            Server server = loop.createServer(() -> new StateProto(loop), "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            assertThat(t.getExtraInfo("peername")).isEqualTo(new InetSocketAddress("127.0.0.1", server.port()));
            assertThat(((InetSocketAddress) t.getExtraInfo("sockname")).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(t.getExtraInfo("socket")).isInstanceOf(java.nio.channels.SocketChannel.class);
            assertThat(t.getExtraInfo("no such key")).isNull();
            assertThat(server.sockets()).containsExactly(new InetSocketAddress("127.0.0.1", server.port()));
            t.close();
            Asyncio.await(c.done);
            server.close();
            server.waitClosed();
            return null;
        });
    }

    @Test
    void bindingAnAddressInUseNamesTheAddress() {
        run(() -> {
            Server first = loop.createServer(() -> new StateProto(loop), "127.0.0.1", 0, NetOptions.defaults());
            int port = first.port();
            assertThatThrownBy(() -> loop.createServer(() -> new StateProto(loop), "127.0.0.1", port, NetOptions.defaults()))
                    .isInstanceOf(BindException.class).hasMessageContaining("127.0.0.1").hasMessageContaining(String.valueOf(port));
            first.close();
            return null;
        });
    }

    @Test
    void connectionRefusedIsAConnectExceptionNamingTheAddress() {
        int port = freePort();
        run(() -> {
            assertThatThrownBy(() -> loop.createConnection(() -> new StateProto(loop), "127.0.0.1", port, NetOptions.defaults()))
                    .isInstanceOf(ConnectException.class).hasMessageContaining(String.valueOf(port));
            return null;
        });
    }

    @Test
    void localAddressIsBoundBeforeConnecting() {
        int local = freePort();
        run(() -> {
            Server server = loop.createServer(() -> new StateProto(loop), "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(),
                    NetOptions.defaults().withLocalAddress(new InetSocketAddress("127.0.0.1", local)));
            assertThat(((InetSocketAddress) t.getExtraInfo("sockname")).getPort()).isEqualTo(local);
            t.close();
            Asyncio.await(c.done);
            server.close();
            return null;
        });
    }

    @Test
    void badArgumentsFailClearly() {
        run(() -> {
            assertThatThrownBy(() -> loop.createConnection(() -> new StateProto(loop), "127.0.0.1", 70000, NetOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
            assertThatThrownBy(() -> loop.createConnection(() -> new StateProto(loop), "", 80, NetOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
            return null;
        });
        assertThatThrownBy(() -> NetOptions.defaults().withLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetOptions.defaults().withBacklog(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFullWriteBufferPausesTheProtocolAndResumesWhenDrained() {
        List<String> flow = new CopyOnWriteArrayList<>();
        run(() -> {
            List<StateProto> accepted = new ArrayList<>();
            Server server = loop.createServer(() -> {
                StateProto p = new StateProto(loop);
                accepted.add(p);
                return p;
            }, "127.0.0.1", 0, NetOptions.defaults());
            Future<Void> resumed = loop.createFuture();
            StateProto c = new StateProto(loop) {
                @Override
                public void pauseWriting() {
                    flow.add("pause");
                }

                @Override
                public void resumeWriting() {
                    flow.add("resume");
                    resumed.setResult(null);
                }
            };
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            while (accepted.isEmpty()) {
                Asyncio.sleep(Duration.ofMillis(1));
            }
            Transport peer = accepted.get(0).transport;
            peer.pauseReading();
            assertThat(peer.isReading()).isFalse();
            t.setWriteBufferLimits(64 * 1024, 16 * 1024);
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            while (flow.isEmpty()) {
                t.write(chunk);
                total += chunk.length;
                assertThat(total).as("the kernel buffers are finite").isLessThan(512L * 1024 * 1024);
            }
            assertThat(flow).containsExactly("pause");
            assertThat(t.getWriteBufferSize()).isGreaterThan(64 * 1024);
            peer.resumeReading();
            Asyncio.await(resumed);
            assertThat(t.getWriteBufferSize()).isLessThanOrEqualTo(16 * 1024);
            t.close();
            Asyncio.await(accepted.get(0).done);
            assertThat(accepted.get(0).data.size()).as("everything written arrived").isEqualTo(total);
            server.close();
            return null;
        });
        assertThat(flow).containsExactly("pause", "resume");
    }

    @Test
    void writeBufferLimitsAreChecked() {
        run(() -> {
            Server server = loop.createServer(() -> new StateProto(loop), "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            assertThatThrownBy(() -> t.setWriteBufferLimits(10, 20)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("low");
            assertThat(t.getWriteBufferSize()).isZero();
            t.close();
            server.close();
            return null;
        });
    }

    @Test
    void pausedReadingDeliversNothingUntilResumed() {
        run(() -> {
            List<Transport> accepted = new ArrayList<>();
            Server server = loop.createServer(() -> new StateProto(loop) {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    accepted.add(t);
                }
            }, "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            t.pauseReading();
            t.pauseReading(); // idempotent
            while (accepted.isEmpty()) {
                Asyncio.sleep(Duration.ofMillis(1));
            }
            accepted.get(0).write("ping".getBytes(US_ASCII));
            Asyncio.sleep(Duration.ofMillis(50));
            assertThat(c.events).containsExactly("made");
            t.resumeReading();
            while (c.data.size() < 4) {
                Asyncio.sleep(Duration.ofMillis(1));
            }
            assertThat(c.text()).isEqualTo("ping");
            t.close();
            server.close();
            return null;
        });
    }

    @Test
    void closeSendsBufferedDataFirstAndAbortDropsIt() {
        run(() -> {
            List<StateProto> accepted = new ArrayList<>();
            Server server = loop.createServer(() -> {
                StateProto p = new StateProto(loop);
                accepted.add(p);
                return p;
            }, "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            byte[] big = new byte[8 * 1024 * 1024];
            t.write(big);
            t.close();
            assertThat(t.isClosing()).isTrue();
            t.close(); // idempotent
            Asyncio.await(c.done);
            assertThat(c.lostWith).isNull();
            Asyncio.await(accepted.get(0).done);
            assertThat(accepted.get(0).data.size()).isEqualTo(big.length);

            StateProto d = new StateProto(loop);
            Transport t2 = loop.createConnection(() -> d, "127.0.0.1", server.port(), NetOptions.defaults());
            t2.write(big);
            t2.abort();
            Asyncio.await(d.done);
            assertThat(d.events).containsExactly("made", "lost");
            assertThat(d.lostWith).isNull();
            Asyncio.await(accepted.get(1).done);
            assertThat(accepted.get(1).data.size()).isLessThan(big.length);
            server.close();
            server.waitClosed();
            return null;
        });
    }

    @Test
    void writeAfterWriteEofIsRefusedAndTheHalfClosedPeerCanStillAnswer() {
        run(() -> {
            Server server = loop.createServer(() -> new StateProto(loop) {
                {
                    keepOpenOnEof = true;
                }

                @Override
                public boolean eofReceived() {
                    boolean keep = super.eofReceived();
                    transport.write(("got " + text()).getBytes(US_ASCII));
                    transport.close();
                    return keep;
                }
            }, "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            assertThat(t.canWriteEof()).isTrue();
            t.write("abc".getBytes(US_ASCII));
            t.writeEof();
            assertThatThrownBy(() -> t.write("more".getBytes(US_ASCII))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writeEof");
            Asyncio.await(c.done);
            assertThat(c.text()).isEqualTo("got abc");
            server.close();
            return null;
        });
    }

    @Test
    void aFailingProtocolCallbackIsReportedAndClosesTheConnection() {
        List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        run(() -> {
            Server server = loop.createServer(() -> new StateProto(loop) {
                @Override
                public void dataReceived(ByteBuffer d) {
                    throw new IllegalStateException("protocol bug");
                }
            }, "127.0.0.1", 0, NetOptions.defaults());
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults());
            t.write("x".getBytes(US_ASCII));
            Asyncio.await(c.done);
            server.close();
            server.waitClosed();
            return null;
        });
        assertThat(reports).anySatisfy(ctx -> {
            assertThat((String) ctx.get("message")).contains("dataReceived");
            assertThat(ctx.get("exception")).isInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void aClosedServerStopsAcceptingButKeepsItsConnections() {
        run(() -> {
            List<StateProto> accepted = new ArrayList<>();
            Server server = loop.createServer(() -> {
                StateProto p = new StateProto(loop);
                accepted.add(p);
                return p;
            }, "127.0.0.1", 0, NetOptions.defaults());
            int port = server.port();
            StateProto c = new StateProto(loop);
            Transport t = loop.createConnection(() -> c, "127.0.0.1", port, NetOptions.defaults());
            while (accepted.isEmpty()) {
                Asyncio.sleep(Duration.ofMillis(1));
            }
            server.close();
            assertThat(server.isServing()).isFalse();
            assertThat(server.sockets()).isEmpty();
            assertThatThrownBy(() -> loop.createConnection(() -> new StateProto(loop), "127.0.0.1", port, NetOptions.defaults()))
                    .isInstanceOf(ConnectException.class);
            Task<Void> waiting = Asyncio.createTask(() -> {
                server.waitClosed();
                return null;
            });
            accepted.get(0).transport.write("still here".getBytes(US_ASCII));
            while (c.data.size() < 10) {
                Asyncio.sleep(Duration.ofMillis(1));
            }
            assertThat(waiting.isDone()).as("a connection is still open").isFalse();
            t.close();
            Asyncio.await(waiting);
            return null;
        });
    }

    @Test
    void aServerCreatedIdleAcceptsOnlyAfterStartServing() {
        run(() -> {
            List<StateProto> accepted = new ArrayList<>();
            Server server = loop.createServer(() -> {
                StateProto p = new StateProto(loop);
                accepted.add(p);
                return p;
            }, "127.0.0.1", 0, NetOptions.defaults().withStartServing(false));
            assertThat(server.isServing()).isFalse();
            StateProto c = new StateProto(loop);
            Task<Transport> connecting = Asyncio.createTask(
                    () -> loop.createConnection(() -> c, "127.0.0.1", server.port(), NetOptions.defaults()));
            Asyncio.sleep(Duration.ofMillis(50));
            assertThat(accepted).as("the kernel may complete the handshake, but nothing is accepted").isEmpty();
            server.startServing();
            assertThat(server.isServing()).isTrue();
            Transport t = Asyncio.await(connecting);
            while (accepted.isEmpty()) {
                Asyncio.sleep(Duration.ofMillis(1));
            }
            t.close();
            server.close();
            server.waitClosed();
            return null;
        });
    }

    @Test
    void unixDomainServerAndClient(@TempDir Path dir) {
        Path sock = dir.resolve("s.sock");
        run(() -> {
            Server server = loop.createUnixServer(() -> new StateProto(loop) {
                @Override
                public void dataReceived(ByteBuffer d) {
                    super.dataReceived(d);
                    transport.write(("echo:" + text()).getBytes(US_ASCII));
                    transport.close();
                }
            }, sock, NetOptions.defaults());
            assertThat(server.sockets()).hasSize(1);
            assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
            StateProto c = new StateProto(loop);
            Transport t = loop.createUnixConnection(() -> c, sock, NetOptions.defaults());
            t.write("hi".getBytes(US_ASCII));
            Asyncio.await(c.done);
            assertThat(c.text()).isEqualTo("echo:hi");
            server.close();
            server.waitClosed();
            return null;
        });
    }

    @Test
    void aUnixServerRefusesToReplaceAFileThatIsNotASocket(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("precious.txt"), "keep me");
        run(() -> {
            assertThatThrownBy(() -> loop.createUnixServer(() -> new StateProto(loop), file, NetOptions.defaults()))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class).hasMessageContaining("not a socket");
            return null;
        });
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void closingTheLoopClosesSocketsLeftOpen() {
        java.nio.channels.SocketChannel[] ch = new java.nio.channels.SocketChannel[1];
        Server[] server = new Server[1];
        run(() -> {
            server[0] = loop.createServer(() -> new StateProto(loop), "127.0.0.1", 0, NetOptions.defaults());
            Transport t = loop.createConnection(() -> new StateProto(loop), "127.0.0.1", server[0].port(), NetOptions.defaults());
            ch[0] = (java.nio.channels.SocketChannel) t.getExtraInfo("socket");
            return null;
        });
        int port = server[0].port();
        loop.close();
        assertThat(ch[0].isOpen()).isFalse();
        try (var probe = java.nio.channels.SocketChannel.open()) {
            assertThatThrownBy(() -> probe.connect(new InetSocketAddress("127.0.0.1", port)))
                    .as("the listening socket was closed too").isInstanceOf(ConnectException.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (var s = java.nio.channels.ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            SocketAddress a = s.getLocalAddress();
            return ((InetSocketAddress) a).getPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
