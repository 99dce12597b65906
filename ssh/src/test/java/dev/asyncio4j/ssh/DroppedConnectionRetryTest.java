package dev.asyncio4j.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Server;
import dev.asyncio4j.StreamPair;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import dev.asyncio4j.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that closes new connections before identifying itself (as sshd does past its MaxStartups):
 * the client tries again after a pause, and reports ConnectionLost if the server never lets it in.
 * The "server" is a front on 127.0.0.1 that drops the first connections and relays the rest to SSH.listen.
 */
class DroppedConnectionRetryTest {
    @TempDir
    Path dir;
    private Path clientKey;
    private Path authorized;

    @BeforeEach
    void keys() throws Exception {
        ClientKeyFiles keys = ClientKeyFiles.create(dir);
        clientKey = keys.privateKey();
        authorized = keys.authorizedKeys();
    }

    /** Relays one direction until EOF, then passes the EOF on. */
    private static void pump(StreamReader from, StreamWriter to) throws IOException {
        for (byte[] chunk = from.read(65536); chunk.length > 0; chunk = from.read(65536)) {
            to.write(chunk);
            to.drain();
        }
        to.writeEof();
    }

    /** Connects through a front that drops its first {@code drops} connections; returns `echo` output. */
    private String throughFront(int drops, int[] accepted) {
        return Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized));
                    Server front = Asyncio.startServer((reader, writer) -> {
                        if (accepted[0]++ < drops) {
                            writer.close();
                            return;
                        }
                        try (StreamPair back = Asyncio.openConnection(server.host(), server.port())) {
                            Task<Void> up = Asyncio.createTask(() -> {
                                pump(reader, back.writer());
                                return null;
                            });
                            pump(back.reader(), writer);
                            Asyncio.await(up);
                        } finally {
                            writer.close();
                        }
                    }, "127.0.0.1", 0)) {
                int port = front.port();
                Path knownHosts = dir.resolve("known_hosts");
                Files.writeString(knownHosts, server.knownHostsLine().replace("]:" + server.port() + " ", "]:" + port + " ") + "\n");
                SSHOptions options = SSHOptions.defaults().port(port).username("tester").noConfig().agent(false)
                        .knownHosts(knownHosts).clientKeys(clientKey).loginTimeout(Duration.ofSeconds(60));
                try (SSHClientConnection conn = SSH.connect("127.0.0.1", options)) {
                    return conn.run("echo in").stdout();
                }
            }
        });
    }

    @Test
    void connectionsDroppedBeforeIdentificationAreTriedAgain() {
        int[] accepted = {0};
        assertThat(throughFront(3, accepted)).isEqualTo("in\n");
        assertThat(accepted[0]).isEqualTo(4);
    }

    @Test
    void aServerThatNeverLetsUsInIsConnectionLostAfterBoundedAttempts() {
        int[] accepted = {0};
        assertThatThrownBy(() -> throughFront(Integer.MAX_VALUE, accepted)).isInstanceOfSatisfying(ConnectionLost.class,
                e -> assertThat(e.getMessage()).contains("closed the connection before identifying itself", "8 attempts",
                        "MaxStartups"));
        assertThat(accepted[0]).isEqualTo(8);
    }
}
