package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.TimeoutError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SSH.connect and run() against the real OpenSSH servers of scripts/sshd-env (with the cases of {@link RealServerContract}). */
class SSHClientRealSshdTest extends RealServerContract {
    @Override
    String instance() {
        return "main";
    }

    /** Without (or with a wrong) passphrase the key cannot load: a clear error naming the file, no secret. */
    @Test
    void encryptedKeyWithoutOrWrongPassphrase() {
        assertThatThrownBy(() -> whoami(base().clientKeys(env.key("id_ed25519_enc"))))
                .isInstanceOf(IOException.class).hasMessageContaining("id_ed25519_enc").hasMessageContaining("passphrase");
        assertThatThrownBy(() -> whoami(base().clientKeys(env.key("id_ed25519_enc")).passphrase("not-it-" + env.passphrase())))
                .isInstanceOf(IOException.class).hasMessageContaining("wrong passphrase")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(env.passphrase()));
    }

    /** A right passphrase does not make a later wrong one work (decrypted keys are not cached). */
    @Test
    void rightPassphraseThenWrongOneStillFails() {
        Path key = env.key("id_ed25519_enc");
        assertThat(whoami(base().clientKeys(key).passphrase(env.passphrase()))).isEqualTo(env.user());
        assertThatThrownBy(() -> whoami(base().clientKeys(key).passphrase("not-it-" + env.passphrase())))
                .isInstanceOf(IOException.class).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> whoami(base().clientKeys(key))).isInstanceOf(IOException.class);
    }

    /** The pam instance offers only keyboard-interactive; the password answers its prompt. */
    @Test
    void keyboardInteractive() {
        assertThat(whoami(base().port(env.port("pam")).clientKeys(List.of()).password(env.password()))).isEqualTo(env.user());
    }

    @Test
    void agentAuth() throws Exception {
        SshdEnv.requireProgram("/usr/bin/ssh-agent");
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("/usr/bin/ssh-agent", "-D", "-a", sock.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            for (int i = 0; i < 200 && !Files.exists(sock); i++) {
                Thread.sleep(25);
            }
            ProcessBuilder add = new ProcessBuilder("/usr/bin/ssh-add", "-q", env.key("id_ecdsa").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process p = add.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(whoami(base().clientKeys(List.of()).agentSocket(sock))).isEqualTo(env.user());
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The jump instance's keys listed under main's address: main's key looks changed and is refused. */
    @Test
    void changedHostKeyRefused() throws Exception {
        Path kh = dir.resolve("known_hosts");
        String jump = "[127.0.0.1]:" + env.port("jump") + " ";
        List<String> lines = Files.readAllLines(env.knownHosts()).stream().filter(l -> l.startsWith(jump))
                .map(l -> "[127.0.0.1]:" + env.port("main") + " " + l.substring(jump.length())).toList();
        Files.write(kh, lines);
        for (HostKeyPolicy policy : List.of(HostKeyPolicy.STRICT, HostKeyPolicy.ACCEPT_NEW)) {
            assertThatThrownBy(() -> whoami(base().knownHosts(kh).hostKeyPolicy(policy).clientKeys(env.key("id_ed25519"))))
                    .isInstanceOfSatisfying(HostKeyNotVerifiable.class, e -> {
                        assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.CHANGED);
                        assertThat(e.getMessage()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
                    });
        }
        assertThat(Files.readAllLines(kh)).isEqualTo(lines);
    }

    @Test
    void acceptNewRecordsTheKeyThenStrictAccepts() throws Exception {
        Path kh = dir.resolve("known_hosts");
        SSHOptions opts = base().knownHosts(kh).clientKeys(env.key("id_ed25519"));
        assertThat(whoami(opts.hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW))).isEqualTo(env.user());
        List<String> recorded = Files.readAllLines(kh);
        assertThat(recorded).singleElement().asString().startsWith("[127.0.0.1]:" + env.port("main") + " ");
        assertThat(Files.readAllLines(env.knownHosts())).contains(recorded.get(0));
        assertThat(whoami(opts.hostKeyPolicy(HostKeyPolicy.STRICT))).isEqualTo(env.user());
        assertThat(Files.readAllLines(kh)).isEqualTo(recorded);
    }

    /** A command that exits without reading all of a large stdin: run() returns, the unsent input is dropped. */
    @ParameterizedTest
    @ValueSource(ints = {4, 64})
    void commandExitingWithoutReadingLargeInput(int mebibytes) {
        run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), base().clientKeys(env.key("id_ed25519")))) {
                UnreadInput.assertRunDropsUnreadInput(conn, mebibytes);
            }
            return null;
        });
    }

    /** OpenSSH accepts the env requests its AcceptEnv allows (Dropbear 2022.83 accepts none). */
    @Test
    void environmentVariables() {
        String out = withKey(conn -> conn.run("echo $A4J_X", SSHRunOptions.defaults().env("A4J_X", "from-env")).stdout());
        assertThat(out).isEqualTo("from-env\n");
    }

    /**
     * A host known only through a {@code @cert-authority} line: its certificate is asked for and trusted;
     * a host without a certificate from that CA is unknown; a revoked CA is refused.
     */
    @Test
    void hostCertificateTrustedThroughCertAuthority() throws Exception {
        String[] ca = Files.readString(env.key("host_ca.pub")).strip().split(" ");
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "@cert-authority [127.0.0.1]:* " + ca[0] + " " + ca[1] + "\n");
        SSHOptions opts = base().knownHosts(kh).clientKeys(env.key("id_ed25519"));
        assertThat(whoami(opts)).isEqualTo(env.user());
        assertThatThrownBy(() -> whoami(opts.port(env.port("jump")))).isInstanceOfSatisfying(HostKeyNotVerifiable.class,
                e -> assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.UNKNOWN));
        Files.writeString(kh, "@revoked * " + ca[0] + " " + ca[1] + "\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> whoami(opts)).isInstanceOfSatisfying(HostKeyNotVerifiable.class,
                e -> assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.REVOKED));
    }

    @Test
    void refusedPortIsConnectException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> whoami(base().port(port).clientKeys(env.key("id_ed25519"))))
                .isInstanceOf(ConnectException.class).hasMessageStartingWith("127.0.0.1:" + port + ": ");
    }

    @Test
    void closeThenWaitClosed() {
        run(() -> {
            SSHClientConnection conn = SSH.connect(env.host(), base().clientKeys(env.key("id_ed25519")));
            assertThat(conn.isOpen()).isTrue();
            conn.close();
            await(conn.waitClosed());
            assertThat(conn.isOpen()).isFalse();
            return null;
        });
    }

    /** The server side dies mid-command (the command kills its own sshd): ConnectionLost, no hang. */
    @Test
    void serverKilledMidCommandIsConnectionLost() {
        run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), base().clientKeys(env.key("id_ed25519")))) {
                assertThatThrownBy(() -> conn.run("kill -9 $PPID; sleep 60", SSHRunOptions.defaults().timeout(Duration.ofSeconds(60))))
                        .isInstanceOf(ConnectionLost.class).hasMessageContaining("kill -9 $PPID");
                await(conn.waitClosed());
                assertThat(conn.isOpen()).isFalse();
            }
            return null;
        });
    }

    /** Cancelling the task that runs a command closes its channel; the connection stays usable. */
    @Test
    void cancellingRunClosesTheChannel() {
        run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), base().clientKeys(env.key("id_ed25519")))) {
                dev.asyncio4j.Task<SSHCompletedProcess> t = Asyncio.createTask(() -> conn.run("echo started; sleep 612"));
                Asyncio.sleep(Duration.ofMillis(300));
                t.cancel();
                assertThatThrownBy(() -> await(t)).isInstanceOf(dev.asyncio4j.CancelledError.class);
                assertThat(conn.run("echo after").stdout()).isEqualTo("after\n");
                assertThat(gone(conn, "sleep 61[2]")).isTrue();
            }
            return null;
        });
    }

    /** Host alias, HostName, Port, User, IdentityFile and UserKnownHostsFile from an OpenSSH config file. */
    @Test
    void connectThroughConfigAlias() throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, "Host a4j-alias\n  HostName " + env.host() + "\n  Port " + env.port("main")
                + "\n  User " + env.user() + "\n  IdentityFile " + env.key("id_ecdsa")
                + "\n  UserKnownHostsFile " + env.knownHosts() + "\n");
        String who = run(() -> {
            try (SSHClientConnection conn = SSH.connect("a4j-alias", SSHOptions.defaults().configFile(config).agent(false))) {
                assertThat(conn.host()).isEqualTo("a4j-alias");
                assertThat(conn.username()).isEqualTo(env.user());
                return conn.run("whoami").stdout().strip();
            }
        });
        assertThat(who).isEqualTo(env.user());
    }

    /** With a config whose StrictHostKeyChecking is accept-new, an unknown host is recorded. */
    @Test
    void strictHostKeyCheckingFromConfig() throws Exception {
        Path config = dir.resolve("config");
        Path kh = dir.resolve("kh");
        Files.writeString(config, "Host *\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile " + kh + "\n");
        SSHOptions opts = SSHOptions.defaults().configFile(config).agent(false).port(env.port("main"))
                .username(env.user()).clientKeys(env.key("id_ed25519"));
        assertThat(whoami(opts)).isEqualTo(env.user());
        assertThat(Files.readAllLines(kh)).hasSize(1);
    }

    /** sudo with the right password runs the whole line as root and passes the rest of stdin on. */
    @Test
    void sudoRightPassword() {
        SSHCompletedProcess p = run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), base().clientKeys(env.key("id_ed25519")))) {
                return conn.run("id -u; cat; echo 'quoted '\\''ok'\\'", SSHRunOptions.defaults().sudo(env.password())
                        .input("piped\n").check(true));
            }
        });
        assertThat(p.stdout()).isEqualTo("0\npiped\nquoted 'ok'\n");
        assertThat(p.command()).doesNotContain(env.password());
    }

    /** A wrong sudo password is PermissionDenied, promptly, and no message carries either password. */
    @Test
    void sudoWrongPassword() {
        String wrong = "wrong-" + env.password();
        assertThatThrownBy(() -> run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), base().clientKeys(env.key("id_ed25519")))) {
                return conn.run("id -u", SSHRunOptions.defaults().sudo(wrong).timeout(Duration.ofSeconds(60)));
            }
        })).isInstanceOf(PermissionDenied.class).hasMessageContaining("sudo on 127.0.0.1 rejected the password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(env.password()));
        assertThat(SSHRunOptions.defaults().sudo(wrong).toString()).doesNotContain(wrong).contains("sudo=***");
    }

    /** ProxyJump from a config file: the destination is reached through the jump instance. */
    @Test
    void proxyJumpThroughSecondSshd() throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, "Host behind\n  HostName 127.0.0.1\n  Port " + env.port("main") + "\n  ProxyJump "
                + env.user() + "@127.0.0.1:" + env.port("jump") + "\n");
        SSHOptions opts = SSHOptions.defaults().configFile(config).agent(false).username(env.user())
                .knownHosts(env.knownHosts()).clientKeys(env.key("id_ed25519")).loginTimeout(LOGIN);
        String out = run(() -> {
            SSHClientConnection conn = SSH.connect("behind", opts);
            try (conn) {
                return conn.run("echo via-jump").stdout();
            } finally {
                await(conn.waitClosed());
            }
        });
        assertThat(out).isEqualTo("via-jump\n");
    }

    /**
     * The jump host is really contacted: with only the destination's keys known, the jump host's key
     * is the one refused; and an explicit proxyJump option overrides the config.
     */
    @Test
    void proxyJumpHostKeyIsCheckedToo() throws Exception {
        Path kh = dir.resolve("known_hosts");
        String main = "[127.0.0.1]:" + env.port("main") + " ";
        Files.write(kh, Files.readAllLines(env.knownHosts()).stream().filter(l -> l.startsWith(main)).toList());
        SSHOptions opts = base().knownHosts(kh).clientKeys(env.key("id_ed25519"))
                .proxyJump(env.user() + "@127.0.0.1:" + env.port("jump"));
        assertThatThrownBy(() -> whoami(opts)).isInstanceOfSatisfying(HostKeyNotVerifiable.class,
                e -> assertThat(e.host()).isEqualTo("[127.0.0.1]:" + env.port("jump")));
        assertThat(whoami(base().clientKeys(env.key("id_ed25519")).proxyJump(env.user() + "@127.0.0.1:" + env.port("jump"))))
                .isEqualTo(env.user());
    }
}
