package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTest {
    @TempDir
    Path home;

    private SshConfig.Resolved resolve(String config, String host) throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(ssh.resolve("config"), config);
        return new SshConfig(ssh.resolve("config"), home, "alice").resolve(host, "alice");
    }

    @Test
    void hostBlockAndFirstValueWins() throws Exception {
        SshConfig.Resolved r = resolve("""
                # comment
                Host web* !web9
                  HostName %h.example.com
                  User deploy
                  Port 2222
                  IdentityFile ~/.ssh/id_web
                  ConnectTimeout 7
                  ProxyJump bastion
                  UserKnownHostsFile ~/.ssh/kh_web
                  StrictHostKeyChecking accept-new
                Host *
                  User nobody
                  Port=22
                  IdentityFile "~/.ssh/id two"
                """, "web1");
        assertThat(r.hostName()).isEqualTo("web1.example.com");
        assertThat(r.get("User")).isEqualTo("deploy");
        assertThat(r.port()).isEqualTo(2222);
        assertThat(r.all("identityfile")).containsExactly("~/.ssh/id_web", "~/.ssh/id two");
        assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(r.get("proxyjump")).isEqualTo("bastion");
        assertThat(r.get("stricthostkeychecking")).isEqualTo("accept-new");
        SshConfig cfg = new SshConfig(home.resolve(".ssh/config"), home, "alice");
        assertThat(cfg.expandPath(r, "deploy", r.get("userknownhostsfile"))).isEqualTo(home.resolve(".ssh/kh_web"));
    }

    @Test
    void negatedHostDoesNotMatch() throws Exception {
        SshConfig.Resolved r = resolve("Host web* !web9\n  User deploy\n", "web9");
        assertThat(r.get("user")).isNull();
        assertThat(r.hostName()).isEqualTo("web9");
        assertThat(r.port()).isNull();
    }

    @Test
    void includeRelativeToSshDirWithGlobAndInsideBlocks() throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh/conf.d"));
        Files.writeString(ssh.resolve("a.conf"), "Host db\n  Port 5022\n");
        Files.writeString(ssh.resolve("b.conf"), "Host db\n  Port 6022\n  User dbadmin\n");
        Files.writeString(home.resolve(".ssh/only-web"), "User webonly\n");
        SshConfig.Resolved db = resolve("Include conf.d/*.conf\nHost web\n  Include only-web\n", "db");
        assertThat(db.port()).isEqualTo(5022);
        assertThat(db.get("user")).isEqualTo("dbadmin");
        SshConfig.Resolved web = resolve("Host web\n  Include only-web\nHost *\n  User fallback\n", "web");
        assertThat(web.get("user")).isEqualTo("webonly");
        SshConfig.Resolved other = resolve("Host web\n  Include only-web\nHost *\n  User fallback\n", "x");
        assertThat(other.get("user")).isEqualTo("fallback");
    }

    @Test
    void matchHostOriginalhostUserLocaluser() throws Exception {
        String cfg = """
                Host alias
                  HostName real.example.com
                Match originalhost alias user alice
                  Port 1001
                Match host real.example.com localuser alice
                  IdentityFile ~/.ssh/id_real
                Match host nope.example.com
                  User wrong
                Match !localuser bob
                  ConnectTimeout 3
                """;
        SshConfig.Resolved r = resolve(cfg, "alias");
        assertThat(r.hostName()).isEqualTo("real.example.com");
        assertThat(r.port()).isEqualTo(1001);
        assertThat(r.all("identityfile")).containsExactly("~/.ssh/id_real");
        assertThat(r.get("user")).isNull();
        assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void matchExecAndAll() throws Exception {
        SshConfig.Resolved r = resolve("""
                Match exec "test %n = h1"
                  Port 1111
                Match exec false
                  User never
                Match all
                  User everyone
                """, "h1");
        assertThat(r.port()).isEqualTo(1111);
        assertThat(r.get("user")).isEqualTo("everyone");
        assertThat(resolve("Match exec \"test %n = h1\"\n  Port 1111\n", "h2").port()).isNull();
    }

    /** Match final (and canonical) apply in a second pass that sees the first pass's HostName. */
    @Test
    void matchFinalSecondPass() throws Exception {
        SshConfig.Resolved r = resolve("""
                Match final host *.internal
                  ProxyJump gate
                Host db
                  HostName db.internal
                Host *.internal
                  User ops
                """, "db");
        assertThat(r.get("proxyjump")).isEqualTo("gate");
        assertThat(r.get("user")).isEqualTo("ops");
        assertThat(resolve("Match canonical\n  Port 7\n", "x").port()).isEqualTo(7);
        assertThat(resolve("Host x\n  Port 8\n", "x").port()).isEqualTo(8);
    }

    /** ServerAliveInterval takes OpenSSH's time format; 0 or absent means none; ServerAliveCountMax defaults to 3. */
    @Test
    void serverAliveIntervalAndCountMax() throws Exception {
        SshConfig.Resolved r = resolve("""
                Host a
                  ServerAliveInterval 15
                  ServerAliveCountMax 5
                Host b
                  ServerAliveInterval 1m30s
                Host c
                  ServerAliveInterval 0
                  ServerAliveCountMax 0
                Host d
                  ServerAliveInterval 1H
                  ConnectTimeout 2m
                """, "a");
        assertThat(r.serverAliveInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.serverAliveCountMax()).isEqualTo(5);
        SshConfig.Resolved b = resolve(Files.readString(home.resolve(".ssh/config")), "b");
        assertThat(b.serverAliveInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(b.serverAliveCountMax()).isEqualTo(3);
        SshConfig.Resolved c = resolve(Files.readString(home.resolve(".ssh/config")), "c");
        assertThat(c.serverAliveInterval()).isNull();
        assertThat(c.serverAliveCountMax()).isEqualTo(1);
        SshConfig.Resolved d = resolve(Files.readString(home.resolve(".ssh/config")), "d");
        assertThat(d.serverAliveInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(resolve("Host x\n", "x").serverAliveInterval()).isNull();
        assertThatThrownBy(() -> resolve("Host a\n  ServerAliveInterval 5x\n", "a").serverAliveInterval())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ssh config: bad ServerAliveInterval '5x' for host a");
        assertThatThrownBy(() -> resolve("Host a\n  ServerAliveInterval m5\n", "a").serverAliveInterval())
                .hasMessage("ssh config: bad ServerAliveInterval 'm5' for host a");
        assertThatThrownBy(() -> resolve("Host a\n  ServerAliveCountMax -1\n", "a").serverAliveCountMax())
                .hasMessage("ssh config: bad ServerAliveCountMax '-1' for host a");
    }

    @Test
    void missingFileIsEmpty() throws Exception {
        SshConfig.Resolved r = new SshConfig(home.resolve("nope"), home, "alice").resolve("h", "alice");
        assertThat(r.values()).isEmpty();
        assertThat(r.hostName()).isEqualTo("h");
    }

    @Test
    void errorsNameFileAndLine() {
        assertThatThrownBy(() -> resolve("Host a\n  User\n", "a"))
                .hasMessageContaining("config:2").hasMessageContaining("user needs a value");
        assertThatThrownBy(() -> resolve("Match bogus x\n", "a")).hasMessageContaining("unknown Match criterion 'bogus'");
        assertThatThrownBy(() -> resolve("Host a\n  Port 99999\n", "a").port()).hasMessageContaining("bad Port '99999'");
        assertThatThrownBy(() -> resolve("Host \"a\n", "a")).hasMessageContaining("unterminated quote");
    }

    @Test
    void includeLoopIsStopped() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/loop"), "Include loop\n");
        assertThatThrownBy(() -> resolve("Include loop\n", "a")).hasMessageContaining("Include nested deeper");
    }
}
