package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;

class MinaClientTest {
    private static List<String> byKex(String... names) {
        return List.of(names).stream().sorted(Comparator.comparingInt(MinaClient::kexRank)).toList();
    }

    private static List<String> byHostKey(Set<String> known, String... names) {
        return List.of(names).stream().sorted(Comparator.comparingInt(n -> MinaClient.hostKeyRank(n, known))).toList();
    }

    /**
     * MINA closes a session idle for ten minutes by default; OpenSSH's ssh never does, so a connection
     * without keepalive must not either (seen before the fix: closed after 10 idle minutes).
     */
    @Test
    void idleConnectionsAreNeverTimedOut() {
        assertThat(CoreModuleProperties.IDLE_TIMEOUT.getRequired(MinaClient.get())).isZero();
    }

    @Test
    void keyExchangePrefersCheapHybridThenCurve25519AndKeepsSntrupBeforeFiniteFieldGroups() {
        assertThat(byKex("sntrup761x25519-sha512@openssh.com", "diffie-hellman-group14-sha256", "ecdh-sha2-nistp256",
                "curve25519-sha256", "mlkem768x25519-sha256"))
                .containsExactly("mlkem768x25519-sha256", "curve25519-sha256", "ecdh-sha2-nistp256",
                        "sntrup761x25519-sha512@openssh.com", "diffie-hellman-group14-sha256");
    }

    @Test
    void hostKeyTypesKnownForTheHostComeFirstThenEd25519EcdsaRsaAndCertificatesLast() {
        String[] offered = {"ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256", "rsa-sha2-512", "ssh-ed25519",
            "rsa-sha2-256"};
        assertThat(byHostKey(Set.of(), offered)).containsExactly("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512",
                "rsa-sha2-256", "ssh-ed25519-cert-v01@openssh.com");
        assertThat(byHostKey(Set.of("ssh-rsa"), offered)).containsExactly("rsa-sha2-512", "rsa-sha2-256", "ssh-ed25519",
                "ecdsa-sha2-nistp256", "ssh-ed25519-cert-v01@openssh.com");
        assertThat(byHostKey(Set.of(HostKeyVerifier.CERT_AUTHORITY, "ssh-rsa"), offered)).containsExactly(
                "ssh-ed25519-cert-v01@openssh.com", "rsa-sha2-512", "rsa-sha2-256", "ssh-ed25519", "ecdsa-sha2-nistp256");
    }

    @Test
    void clientOffersAesGcmFirstAndKeepsChacha20() {
        List<String> ciphers = MinaClient.get().getCipherFactories().stream().map(f -> f.getName()).toList();
        assertThat(ciphers).startsWith("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")
                .contains("chacha20-poly1305@openssh.com", "aes128-ctr");
    }
}
