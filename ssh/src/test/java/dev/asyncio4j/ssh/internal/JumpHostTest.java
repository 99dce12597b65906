package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.ssh.HostKeyPolicy;
import dev.asyncio4j.ssh.SSHOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JumpHostTest {
    @Test
    void parsesOpenSshForms() {
        assertThat(JumpHost.parse("bastion")).isEqualTo(new JumpHost(null, "bastion", null));
        assertThat(JumpHost.parse("admin@bastion:2222")).isEqualTo(new JumpHost("admin", "bastion", 2222));
        assertThat(JumpHost.parse("ssh://me@[::1]:22")).isEqualTo(new JumpHost("me", "::1", 22));
        assertThat(JumpHost.parse("[fe80::1]")).isEqualTo(new JumpHost(null, "fe80::1", null));
    }

    @Test
    void rejectsMalformed() {
        assertThatThrownBy(() -> JumpHost.parse("host:port")).hasMessageContaining("bad ProxyJump port in 'host:port'");
        assertThatThrownBy(() -> JumpHost.parse("@host")).hasMessageContaining("bad ProxyJump host");
        assertThatThrownBy(() -> JumpHost.parse("[::1")).hasMessageContaining("unclosed [");
    }

    /** A hop keeps the destination's credentials and host key settings but not its port or user. */
    @Test
    void hopOptions() {
        SSHOptions dest = SSHOptions.defaults().port(2200).username("target").password("pw")
                .clientKeys(Path.of("/k")).knownHosts(Path.of("/kh")).hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW)
                .connectTimeout(Duration.ofSeconds(3)).noConfig().agent(false);
        SSHOptions hop = new JumpHost("jumper", "gate", null).options(dest);
        assertThat(hop.port()).isNull();
        assertThat(hop.username()).isEqualTo("jumper");
        assertThat(hop.password()).isEqualTo("pw");
        assertThat(hop.clientKeys()).containsExactly(Path.of("/k"));
        assertThat(hop.knownHosts()).isEqualTo(Path.of("/kh"));
        assertThat(hop.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(hop.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(hop.useConfig()).isFalse();
        assertThat(hop.agent()).isFalse();
        assertThat(hop.proxyJump()).isNull();
    }
}
