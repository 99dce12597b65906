package dev.asyncio4j.net;

import static dev.asyncio4j.Asyncio.openConnection;
import static dev.asyncio4j.Asyncio.startServer;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Server;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class StreamsSmokeTest {

    @Test
    void echoRoundTrip() {
        String got = Asyncio.run(() -> {
            Server server = startServer((r, w) -> {
                byte[] line;
                while ((line = r.readline()).length > 0) {
                    w.write(line);
                    w.drain();
                }
                w.close();
            }, "127.0.0.1", 0);
            try (var conn = openConnection("127.0.0.1", server.port())) {
                conn.writer().write("hello\nworld\n".getBytes(UTF_8));
                String a = new String(conn.reader().readline(), UTF_8);
                String b = new String(conn.reader().readline(), UTF_8);
                conn.writer().writeEof();
                assertThat(conn.reader().read(-1)).isEmpty();
                return a + b;
            } finally {
                server.close();
                server.waitClosed();
            }
        });
        assertThat(got).isEqualTo("hello\nworld\n");
    }

    @Test
    void refusedConnectionIsConnectException() {
        assertThatThrownBy(() -> Asyncio.run(() -> {
            int port;
            try (var s = java.nio.channels.ServerSocketChannel.open()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
                port = ((java.net.InetSocketAddress) s.getLocalAddress()).getPort();
            }
            return openConnection("127.0.0.1", port);
        })).isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1");
    }
}
