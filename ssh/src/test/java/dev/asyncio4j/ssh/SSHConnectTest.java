package dev.asyncio4j.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connect behaviour that needs no real sshd. */
class SSHConnectTest {
    @TempDir
    Path dir;

    /** A server that accepts TCP but never speaks SSH: the login timeout ends the attempt. */
    @Test
    void loginTimeoutOnSilentServer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            SSHOptions opts = SSHOptions.defaults().noConfig().agent(false).port(silent.getLocalPort())
                    .username("nobody").clientKeys(java.util.List.of()).knownHosts(dir.resolve("kh"))
                    .loginTimeout(Duration.ofSeconds(1));
            assertThatThrownBy(() -> Asyncio.run(() -> SSH.connect("127.0.0.1", opts)))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("login to nobody@127.0.0.1:" + silent.getLocalPort() + " timed out after 1 s");
            silent.close();
            acceptor.join(Duration.ofSeconds(30));
        }
    }

    @Test
    void missingExplicitKeyFile() {
        SSHOptions opts = SSHOptions.defaults().noConfig().agent(false).clientKeys(dir.resolve("nope"));
        assertThatThrownBy(() -> Asyncio.run(() -> SSH.connect("127.0.0.1", opts)))
                .hasMessage("client key file " + dir.resolve("nope") + " does not exist");
    }

    @Test
    void optionsNeverShowSecrets() {
        SSHOptions o = SSHOptions.defaults().password("hunter2-secret").passphrase("pass-secret");
        assertThat(o.toString()).doesNotContain("hunter2-secret").doesNotContain("pass-secret").contains("password=***");
        assertThatThrownBy(() -> o.port(0)).hasMessage("port must be 1..65535, got 0");
        assertThatThrownBy(() -> o.loginTimeout(Duration.ZERO)).hasMessageContaining("loginTimeout must be positive");
        assertThat(SSHRunOptions.defaults().input("secret input").toString()).doesNotContain("secret input");
    }

    @Test
    void keepaliveArgumentsAreChecked() {
        SSHOptions o = SSHOptions.defaults();
        assertThatThrownBy(() -> o.keepalive(Duration.ZERO, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keepalive interval must be positive, got PT0S");
        assertThatThrownBy(() -> o.keepalive(Duration.ofSeconds(-5), 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keepalive interval must be positive, got PT-5S");
        assertThatThrownBy(() -> o.keepalive(Duration.ofSeconds(15), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keepalive countMax must be at least 1, got 0");
        assertThatThrownBy(() -> o.keepalive(null, 3)).isInstanceOf(NullPointerException.class);
        SSHOptions k = o.keepalive(Duration.ofSeconds(15), 2);
        assertThat(k.keepaliveInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(k.keepaliveCountMax()).isEqualTo(2);
        assertThat(o.keepaliveInterval()).isNull();
    }

    @Test
    void connectOutsideATaskIsRefused() {
        assertThatThrownBy(() -> SSH.connect("127.0.0.1")).isInstanceOf(IllegalStateException.class);
    }
}
