package dev.asyncio4j.net;

import static dev.asyncio4j.Asyncio.openConnection;
import static dev.asyncio4j.Asyncio.startServer;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Event;
import dev.asyncio4j.NetOptions;
import dev.asyncio4j.Server;
import dev.asyncio4j.Transport;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS streams over loopback with certificates generated for the test. */
class TlsTest {
    @TempDir
    static Path dir;
    static TestCerts localhost;
    static TestCerts other;

    @BeforeAll
    static void certificates() {
        localhost = TestCerts.generate(dir, "localhost");
        other = TestCerts.generate(dir, "other");
    }

    private static NetOptions serverTls(TestCerts certs) {
        return NetOptions.defaults().withSsl(certs.serverContext());
    }

    private static NetOptions clientTls() {
        return NetOptions.defaults().withSsl(localhost.clientContext()).withServerHostname("localhost");
    }

    private static Server lineEchoServer(NetOptions options, List<String> log) throws java.io.IOException {
        return startServer((r, w) -> {
            byte[] line;
            while ((line = r.readline()).length > 0) {
                w.write(line);
                w.drain();
            }
            log.add("server saw EOF");
            w.close();
        }, "127.0.0.1", 0, options);
    }

    /** Lines go through TLS both ways; the session and certificate are visible; close sends close_notify. */
    @Test
    void echoOverTls() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Server server = lineEchoServer(serverTls(localhost), log);
            try {
                var conn = openConnection("127.0.0.1", server.port(), clientTls());
                conn.writer().write("hello\n".getBytes(UTF_8));
                conn.writer().write("world\n".getBytes(UTF_8));
                assertThat(new String(conn.reader().readline(), UTF_8)).isEqualTo("hello\n");
                assertThat(new String(conn.reader().readline(), UTF_8)).isEqualTo("world\n");
                SSLSession session = (SSLSession) conn.writer().getExtraInfo("sslsession");
                assertThat(session.getProtocol()).startsWith("TLS");
                assertThat(conn.writer().getExtraInfo("cipher")).isEqualTo(session.getCipherSuite());
                assertThat(conn.writer().getExtraInfo("peercert")).isEqualTo(localhost.certificate());
                assertThat(conn.writer().getExtraInfo("peername")).isNotNull();
                assertThat(conn.writer().canWriteEof()).isFalse();
                assertThatThrownBy(() -> conn.writer().writeEof()).isInstanceOf(UnsupportedOperationException.class);
                conn.writer().close();
                conn.writer().waitClosed();
                server.close();
                server.waitClosed();
            } finally {
                server.close();
            }
            return null;
        });
        assertThat(log).containsExactly("server saw EOF");
    }

    /** The peer closing its TLS session is an EOF for our reader, not an error. */
    @Test
    void serverCloseIsEofForClient() {
        byte[] got = Asyncio.run(() -> {
            try (Server server = startServer((r, w) -> {
                w.write("bye".getBytes(UTF_8));
                w.close();
            }, "127.0.0.1", 0, serverTls(localhost))) {
                var conn = openConnection("127.0.0.1", server.port(), clientTls());
                byte[] all = conn.reader().read(-1);
                assertThat(conn.reader().atEof()).isTrue();
                conn.close();
                return all;
            }
        });
        assertThat(new String(got, UTF_8)).isEqualTo("bye");
    }

    /** A certificate that does not name the requested host is refused at the await. */
    @Test
    void hostnameMismatchIsRefused() {
        AtomicInteger handled = new AtomicInteger();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            try (Server server = startServer((r, w) -> handled.incrementAndGet(), "127.0.0.1", 0,
                    serverTls(localhost))) {
                return openConnection("127.0.0.1", server.port(), clientTls().withServerHostname("wrong.example"));
            }
        })).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("wrong.example");
        assertThat(handled).hasValue(0);
    }

    /** A certificate the client does not trust is refused, and the server never runs its handler. */
    @Test
    void untrustedCertificateIsRefused() {
        AtomicInteger handled = new AtomicInteger();
        List<Object> reported = new ArrayList<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> {
                if (ctx.get("exception") != null) { // slow-callback notes on a loaded machine are not errors
                    reported.add(ctx.get("exception"));
                }
            });
            try (Server server = startServer((r, w) -> handled.incrementAndGet(), "127.0.0.1", 0, serverTls(other))) {
                try {
                    return openConnection("127.0.0.1", server.port(), clientTls());
                } finally {
                    Asyncio.sleep(Duration.ofMillis(50)); // let the server see the alert
                }
            }
        })).isInstanceOf(SSLHandshakeException.class);
        assertThat(handled).hasValue(0);
        assertThat(reported).isEmpty();
    }

    /** A server that accepts but never speaks TLS makes the handshake time out and closes the socket. */
    @Test
    void handshakeTimeout() {
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            Server server = startServer((r, w) -> {
                r.read(-1); // swallows the ClientHello, never answers
                log.add("server saw EOF");
                w.close();
            }, "127.0.0.1", 0);
            try {
                return openConnection("127.0.0.1", server.port(),
                        clientTls().withSslHandshakeTimeout(Duration.ofMillis(300)));
            } finally {
                server.close();
                server.waitClosed(); // returns only once the aborted client's socket is seen closed
            }
        })).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("TLS handshake");
        assertThat(log).containsExactly("server saw EOF");
    }

    /** startTls upgrades a plain connection in the middle of a conversation, on both ends. */
    @Test
    void startTlsUpgrade() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            try (Server server = startServer((r, w) -> {
                log.add("server got " + new String(r.readline(), UTF_8).trim());
                w.write("GO\n".getBytes(UTF_8));
                w.startTls(localhost.serverContext(), null, Duration.ofSeconds(30));
                log.add("server tls " + (w.getExtraInfo("sslsession") != null));
                byte[] line = r.readline();
                w.write(line);
                w.drain();
                w.close();
            }, "127.0.0.1", 0)) {
                var conn = openConnection("127.0.0.1", server.port());
                assertThat(conn.writer().getExtraInfo("sslsession")).isNull();
                conn.writer().write("STARTTLS\n".getBytes(UTF_8));
                assertThat(new String(conn.reader().readline(), UTF_8)).isEqualTo("GO\n");
                conn.writer().startTls(localhost.clientContext(), "localhost", Duration.ofSeconds(30));
                assertThat(conn.writer().getExtraInfo("peercert")).isEqualTo(localhost.certificate());
                conn.writer().write("secret\n".getBytes(UTF_8));
                assertThat(new String(conn.reader().readline(), UTF_8)).isEqualTo("secret\n");
                assertThat(conn.reader().read(-1)).isEmpty();
                conn.close();
            }
            return null;
        });
        assertThat(log).containsExactly("server got STARTTLS", "server tls true");
    }

    /** EventLoop.startTls with an untrusted peer fails with the handshake error and aborts the connection. */
    @Test
    void loopStartTlsFailureAbortsTransport() {
        AtomicReference<Transport> plain = new AtomicReference<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            try (Server server = startServer((r, w) -> w.startTls(other.serverContext(), null, null),
                    "127.0.0.1", 0)) {
                var conn = openConnection("127.0.0.1", server.port());
                plain.set(conn.writer().transport());
                return Asyncio.getRunningLoop().startTls(conn.writer().transport(), conn.writer().transport().getProtocol(),
                        localhost.clientContext(), false, "localhost", Duration.ofSeconds(30));
            }
        })).isInstanceOf(SSLHandshakeException.class);
        assertThat(plain.get().isClosing()).isTrue();
    }

    /**
     * Sixteen MiB through TLS to a reader that starts late: the writer's drain suspends, its buffer stays
     * near the high-water mark, and every byte arrives intact.
     */
    @Test
    void largeTransferWithBackPressure() throws Exception {
        int chunk = 64 * 1024;
        int chunks = 256;
        byte[] data = new byte[chunk];
        new java.util.Random(42).nextBytes(data);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < chunks; i++) {
            expected.update(data);
        }
        byte[] want = expected.digest();
        long[] stats = Asyncio.run(() -> {
            Event go = new Event();
            AtomicReference<byte[]> got = new AtomicReference<>();
            try (Server server = startServer((r, w) -> {
                go.await(); // not reading yet: everything piles up in the transport buffers
                Asyncio.waitFor(() -> {
                    while (w.transport().isReading()) { // the reader pauses the TLS transport above 2 * limit
                        Asyncio.sleep(Duration.ofMillis(1));
                    }
                    return null;
                }, Duration.ofSeconds(60));
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] part;
                while ((part = r.read(32 * 1024)).length > 0) {
                    md.update(part);
                }
                got.set(md.digest());
                w.close();
            }, "127.0.0.1", 0, serverTls(localhost))) {
                var conn = openConnection("127.0.0.1", server.port(), clientTls());
                Transport t = conn.writer().transport();
                Asyncio.getRunningLoop().callLater(Duration.ofMillis(300), go::set);
                long maxAfterDrain = 0;
                long suspendedDrains = 0;
                for (int i = 0; i < chunks; i++) {
                    conn.writer().write(data.clone());
                    if (t.getWriteBufferSize() > 64 * 1024) {
                        suspendedDrains++;
                    }
                    conn.writer().drain();
                    maxAfterDrain = Math.max(maxAfterDrain, t.getWriteBufferSize());
                }
                conn.writer().close();
                conn.writer().waitClosed();
                while (got.get() == null) {
                    Asyncio.sleep(Duration.ofMillis(10));
                }
                assertThat(got.get()).isEqualTo(want);
                return new long[] {maxAfterDrain, suspendedDrains};
            }
        });
        assertThat(stats[0]).isLessThanOrEqualTo(64 * 1024);
        assertThat(stats[1]).isGreaterThan(0);
    }

    /** TLS over a Unix-domain socket verifies the name given with withServerHostname. */
    @Test
    void tlsOverUnixSocket() {
        Path path = dir.resolve("tls.sock");
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            try (Server server = Asyncio.startUnixServer((r, w) -> {
                w.write(r.readline());
                w.close();
            }, path, serverTls(localhost))) {
                assertThatThrownBy(() -> Asyncio.openUnixConnection(path,
                        NetOptions.defaults().withSsl(localhost.clientContext())))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withServerHostname");
                var conn = Asyncio.openUnixConnection(path, clientTls());
                conn.writer().write("over unix\n".getBytes(UTF_8));
                log.add(new String(conn.reader().readline(), UTF_8));
                assertThat(conn.reader().read(-1)).isEmpty();
                conn.close();
            }
            return null;
        });
        assertThat(log).containsExactly("over unix\n");
    }

    /** A client that connects to a TLS server and never says hello is dropped after the server's timeout. */
    @Test
    void serverHandshakeTimeoutDropsSilentClient() {
        AtomicInteger handled = new AtomicInteger();
        Asyncio.run(() -> {
            try (Server server = startServer((r, w) -> handled.incrementAndGet(), "127.0.0.1", 0,
                    serverTls(localhost).withSslHandshakeTimeout(Duration.ofMillis(200)))) {
                var plain = openConnection("127.0.0.1", server.port());
                byte[] got = Asyncio.waitFor(() -> plain.reader().read(-1), Duration.ofSeconds(30));
                assertThat(got.length).as("at most a TLS alert record").isLessThan(64);
                plain.close();
            }
            return null;
        });
        assertThat(handled).hasValue(0);
    }

    /** Writes made before the peer answers are delivered in order, and a close flushes them first. */
    @Test
    void closeFlushesPendingWritesBeforeCloseNotify() {
        String got = Asyncio.run(() -> {
            try (Server server = startServer((r, w) -> {
                for (int i = 0; i < 100; i++) {
                    w.write(("line " + i + "\n").getBytes(UTF_8));
                }
                w.close();
            }, "127.0.0.1", 0, serverTls(localhost))) {
                var conn = openConnection("127.0.0.1", server.port(), clientTls());
                String all = new String(conn.reader().read(-1), UTF_8);
                conn.close();
                conn.writer().waitClosed();
                return all;
            }
        });
        assertThat(got.lines()).hasSize(100).startsWith("line 0").endsWith("line 99");
    }
}
