package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our client against our server (SSH.listen): authentication, exit status, Java handlers, concurrency. */
class SSHServerTest {
    private static final Duration LOGIN = Duration.ofSeconds(60);

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

    /** Client options for {@code server}: its host key in a fresh known_hosts, no config, no agent. */
    private SSHOptions client(SSHServer server) throws IOException {
        Path knownHosts = dir.resolve("known_hosts_" + server.port());
        Files.writeString(knownHosts, server.knownHostsLine() + "\n");
        return SSHOptions.defaults().port(server.port()).username("tester").noConfig().agent(false)
                .knownHosts(knownHosts).loginTimeout(LOGIN);
    }

    @Test
    void keyAuthRunsTheShellAndReportsOutputAndExitStatus() {
        SSHCompletedProcess p = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).clientKeys(clientKey))) {
                assertThat(server.host()).isEqualTo("127.0.0.1");
                return conn.run("echo hello; echo oops >&2; exit 3");
            }
        });
        assertThat(p.stdout()).isEqualTo("hello\n");
        assertThat(p.stderr()).isEqualTo("oops\n");
        assertThat(p.exitStatus()).isEqualTo(3);
    }

    @Test
    void shellCommandsGetStdinAndTheClientsEnvironment() {
        SSHCompletedProcess p = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).clientKeys(clientKey))) {
                return conn.run("tr a-z A-Z; echo \"$GREETING\"",
                        SSHRunOptions.defaults().input("abc\n").env("GREETING", "hi there"));
            }
        });
        assertThat(p.stdout()).isEqualTo("ABC\nhi there\n");
        assertThat(p.exitStatus()).isZero();
    }

    /** A shell command that exits without reading all of a large stdin: run() returns, the unsent input is dropped. */
    @Test
    void commandExitingWithoutReadingLargeInput() {
        Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).clientKeys(clientKey))) {
                UnreadInput.assertRunDropsUnreadInput(conn, 4);
            }
            return null;
        });
    }

    @Test
    void passwordAuth() {
        String who = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().password("tester", "s3cret!"));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).password("s3cret!"))) {
                return conn.username() + ":" + conn.run("echo ok").stdout().strip();
            }
        });
        assertThat(who).isEqualTo("tester:ok");
    }

    @Test
    void wrongPasswordOrUserIsPermissionDenied() {
        Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().password("tester", "s3cret!"))) {
                assertThatThrownBy(() -> SSH.connect(server.host(), client(server).password("s3cret?")))
                        .isInstanceOf(PermissionDenied.class).hasMessageNotContaining("s3cret");
                assertThatThrownBy(() -> SSH.connect(server.host(), client(server).username("other").password("s3cret!")))
                        .isInstanceOf(PermissionDenied.class);
                assertThatThrownBy(() -> SSH.connect(server.host(), client(server).clientKeys(clientKey)))
                        .isInstanceOf(PermissionDenied.class);
            }
            return null;
        });
    }

    @Test
    void javaHandlerEchoesStdinAndSeesCommandAndEnv() {
        SSHServerHandler echo = p -> {
            p.stderr().write((p.username() + " ran " + p.command() + " with " + p.env().get("MODE") + "\n").getBytes(UTF_8));
            for (byte[] line : p.stdin().lines()) {
                p.stdout().write(line);
            }
            p.exit(7);
        };
        SSHCompletedProcess p = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized).handler(echo));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).clientKeys(clientKey))) {
                return conn.run("echo-please", SSHRunOptions.defaults().input("one\ntwo\n").env("MODE", "test"));
            }
        });
        assertThat(p.stdout()).isEqualTo("one\ntwo\n");
        assertThat(p.stderr()).isEqualTo("tester ran echo-please with test\n");
        assertThat(p.exitStatus()).isEqualTo(7);
    }

    @Test
    void interactiveProcessTalksToAHandler() {
        SSHServerHandler upper = p -> {
            byte[] line;
            while ((line = p.stdin().readline()).length > 0) {
                p.stdout().write(new String(line, UTF_8).toUpperCase().getBytes(UTF_8));
                p.stdout().drain();
            }
        };
        List<String> replies = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized).handler(upper));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).clientKeys(clientKey));
                    SSHClientProcess proc = conn.createProcess("upper")) {
                List<String> got = new ArrayList<>();
                for (String s : List.of("a\n", "bc\n")) {
                    proc.stdin().write(s.getBytes(UTF_8));
                    got.add(new String(proc.stdout().readline(), UTF_8));
                }
                proc.stdin().writeEof();
                got.add("exit " + proc.waitExit());
                return got;
            }
        });
        assertThat(replies).containsExactly("A\n", "BC\n", "exit 0");
    }

    @Test
    void aFailingHandlerExitsWithStatusOneAndItsMessage() {
        SSHCompletedProcess p = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized)
                    .handler(proc -> {
                        throw new IllegalStateException("no such tool: " + proc.command());
                    }));
                    SSHClientConnection conn = SSH.connect(server.host(), client(server).clientKeys(clientKey))) {
                return conn.run("frobnicate");
            }
        });
        assertThat(p.exitStatus()).isEqualTo(1);
        assertThat(p.stderr()).isEqualTo("no such tool: frobnicate\n");
    }

    @Test
    void twentyConcurrentSessions() {
        SSHServerHandler greet = p -> p.stdout().write(("hello " + p.command() + "\n").getBytes(UTF_8));
        List<String> out = Asyncio.run(() -> {
            try (SSHServer server = SSH.listen(SSHServerOptions.defaults().authorizedKeys(authorized).handler(greet))) {
                SSHOptions options = client(server).clientKeys(clientKey);
                List<Future<String>> sessions = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String name = "s" + i;
                    sessions.add(Asyncio.createTask(() -> {
                        try (SSHClientConnection conn = SSH.connect(server.host(), options)) {
                            return conn.run(name).stdout();
                        }
                    }));
                }
                return await(Asyncio.gather(sessions));
            }
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("hello s" + i + "\n");
        }
        assertThat(out).containsExactlyElementsOf(expected);
    }

    @Test
    void closeStopsListeningAndCompletesWaitClosed() {
        Asyncio.run(() -> {
            SSHServer server = SSH.listen(SSHServerOptions.defaults().password("tester", "pw"));
            SSHOptions options = client(server).password("pw");
            server.close();
            Asyncio.waitFor(server.waitClosed(), Duration.ofSeconds(30));
            assertThatThrownBy(() -> SSH.connect(server.host(), options)).isInstanceOf(java.net.ConnectException.class);
            return null;
        });
    }

    @Test
    void aServerNobodyCanLogInToIsRejected() {
        Asyncio.run(() -> {
            assertThatThrownBy(() -> SSH.listen(SSHServerOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authorizedKeys");
            return null;
        });
    }

    @Test
    void optionsNeverShowThePassword() {
        assertThat(SSHServerOptions.defaults().password("tester", "hunter2").toString())
                .doesNotContain("hunter2").contains("tester");
    }
}
