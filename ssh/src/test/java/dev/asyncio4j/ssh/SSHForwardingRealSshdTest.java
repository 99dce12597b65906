package dev.asyncio4j.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Server;
import dev.asyncio4j.StreamPair;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.StreamWriter;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Local, remote and SOCKS forwarding through the real OpenSSH server of scripts/sshd-env, on 127.0.0.1 only. */
class SSHForwardingRealSshdTest {
    private static final Duration LOGIN = Duration.ofSeconds(60);
    private static final String LOOPBACK = "127.0.0.1";

    private SshdEnv env;

    @BeforeEach
    void sshd() {
        env = SshdEnv.require();
    }

    private interface Body<T> {
        T run(SSHClientConnection conn, int echoPort) throws Exception;
    }

    /** Connects and starts an echo server on 127.0.0.1 (echoes until EOF, then closes). */
    private <T> T withEcho(Body<T> body) {
        SSHOptions options = SSHOptions.defaults().port(env.port("main")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).loginTimeout(LOGIN).clientKeys(env.key("id_ed25519"));
        Coroutine<T> main = () -> {
            Server echo = Echo.start();
            try (SSHClientConnection conn = SSH.connect(env.host(), options)) {
                return body.run(conn, echo.port());
            } finally {
                echo.close();
                echo.waitClosed();
            }
        };
        return Asyncio.run(main);
    }

    private static byte[] payload() {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        return data;
    }

    @Test
    void localForwardRoundTrip() {
        byte[] data = payload();
        withEcho((conn, echoPort) -> {
            int port;
            try (SSHForwardListener fwd = conn.forwardLocalPort(LOOPBACK, 0, LOOPBACK, echoPort)) {
                port = fwd.port();
                assertThat(port).isPositive().isNotEqualTo(echoPort);
                assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, port), data)).isTrue();
                // a second connection through the same listener
                assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, port), "again".getBytes())).isTrue();
            }
            assertThatThrownBy(() -> Asyncio.openConnection(LOOPBACK, port)).isInstanceOf(ConnectException.class);
            return null;
        });
    }

    @Test
    void remoteForwardRoundTrip() {
        byte[] data = payload();
        withEcho((conn, echoPort) -> {
            try (SSHForwardListener fwd = conn.forwardRemotePort(LOOPBACK, 0, LOOPBACK, echoPort)) {
                assertThat(fwd.port()).isPositive().isNotEqualTo(echoPort);
                // the server listens on its 127.0.0.1, which is this machine's
                assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, fwd.port()), data)).isTrue();
                // and the server side itself reaches us through it
                String viaServer = conn.run("exec 3<>/dev/tcp/127.0.0.1/" + fwd.port() + "; printf ping >&3; "
                        + "head -c 4 <&3", SSHRunOptions.defaults().check(true)).stdout();
                assertThat(viaServer).isEqualTo("ping");
            }
            return null;
        });
    }

    @Test
    void socksForwardRoundTrip() {
        byte[] data = payload();
        withEcho((conn, echoPort) -> {
            try (SSHForwardListener socks = conn.forwardSocks(LOOPBACK, 0)) {
                StreamPair s = Asyncio.openConnection(LOOPBACK, socks.port());
                socks5Connect(s.reader(), s.writer(), echoPort);
                assertThat(Echo.roundTrip(s, data)).isTrue();
            }
            return null;
        });
    }

    @Test
    void badPortIsRejected() {
        withEcho((conn, echoPort) -> {
            assertThatThrownBy(() -> conn.forwardLocalPort(LOOPBACK, 70000, LOOPBACK, echoPort))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
            return null;
        });
    }

    /** The server refuses a privileged port for an unprivileged user: an SSHException naming the forward. */
    @Test
    void refusedRemoteForwardIsSshException() {
        withEcho((conn, echoPort) -> {
            assertThatThrownBy(() -> conn.forwardRemotePort(LOOPBACK, 1, LOOPBACK, echoPort))
                    .isInstanceOf(SSHException.class).hasMessageContaining("127.0.0.1:1 on");
            assertThat(conn.run("true").exitStatus()).as("connection still usable").isZero();
            return null;
        });
    }

    /** A local port already in use cannot be bound: an IOException, and the connection stays usable. */
    @Test
    void localPortInUseFails() {
        withEcho((conn, echoPort) -> {
            assertThatThrownBy(() -> conn.forwardLocalPort(LOOPBACK, echoPort, LOOPBACK, echoPort))
                    .isInstanceOf(IOException.class);
            try (SSHForwardListener fwd = conn.forwardLocalPort(LOOPBACK, 0, LOOPBACK, echoPort)) {
                assertThat(Echo.roundTrip(Asyncio.openConnection(LOOPBACK, fwd.port()), "ok".getBytes())).isTrue();
            }
            return null;
        });
    }

    /** A minimal RFC 1928 client: no authentication, CONNECT to 127.0.0.1:port, expect success. */
    private static void socks5Connect(StreamReader r, StreamWriter w, int port) throws IOException {
        w.write(new byte[] {5, 1, 0});
        assertThat(r.readexactly(2)).containsExactly(5, 0);
        w.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
        byte[] head = r.readexactly(4);
        assertThat(head[0]).isEqualTo((byte) 5);
        assertThat(head[1]).as("SOCKS reply code").isEqualTo((byte) 0);
        int addressLength = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> r.readexactly(1)[0] & 0xff;
            default -> throw new AssertionError("bad SOCKS address type " + head[3]);
        };
        r.readexactly(addressLength + 2);
    }
}
