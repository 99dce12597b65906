package dev.asyncio4j.ssh.internal;

import static dev.asyncio4j.ssh.internal.KnownHostsTest.ED;
import static dev.asyncio4j.ssh.internal.KnownHostsTest.ED_B64;
import static dev.asyncio4j.ssh.internal.KnownHostsTest.ED_FINGERPRINT;
import static dev.asyncio4j.ssh.internal.KnownHostsTest.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.ssh.HostKeyNotVerifiable;
import dev.asyncio4j.ssh.HostKeyPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.nio.file.StandardOpenOption;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyVerifierTest {
    @TempDir
    Path dir;

    private HostKeyVerifier verifier(HostKeyPolicy policy, Path file, String host, int port) {
        return new HostKeyVerifier(policy, file, List.of(), host, port, false);
    }

    /** Unknown key: refused by default, with the SHA256 fingerprint and how to trust it. */
    @Test
    void unknownKeyRefusedWithFingerprintAndAdvice() throws Exception {
        Path kh = dir.resolve("known_hosts");
        HostKeyNotVerifiable e = verifier(HostKeyPolicy.STRICT, kh, "127.0.0.1", 2222).check("ssh-ed25519", ED);
        assertThat(e).isNotNull();
        assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.UNKNOWN);
        assertThat(e.host()).isEqualTo("[127.0.0.1]:2222");
        assertThat(e.fingerprint()).isEqualTo("ssh-ed25519 " + ED_FINGERPRINT);
        assertThat(e.getMessage()).contains(ED_FINGERPRINT, "ssh-keyscan -p 2222 127.0.0.1 >> " + kh,
                "HostKeyPolicy.ACCEPT_NEW");
        assertThat(kh).doesNotExist();
    }

    @Test
    void knownKeyAccepted() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "[127.0.0.1]:2222 ssh-ed25519 " + ED_B64 + "\n");
        assertThat(verifier(HostKeyPolicy.STRICT, kh, "127.0.0.1", 2222).check("ssh-ed25519", ED)).isNull();
    }

    /** Changed key: refused loudly under every policy but trust-all, even accept-new, and not appended. */
    @Test
    void changedKeyRefusedLoudly() throws Exception {
        Path kh = dir.resolve("known_hosts");
        String content = "h ssh-ed25519 " + ED_B64 + "\n";
        Files.writeString(kh, content);
        for (HostKeyPolicy policy : List.of(HostKeyPolicy.STRICT, HostKeyPolicy.ACCEPT_NEW)) {
            HostKeyNotVerifiable e = verifier(policy, kh, "h", 22).check("ssh-ed25519", OTHER);
            assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.CHANGED);
            assertThat(e.getMessage()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED", "man-in-the-middle",
                    kh + ":1", "ssh-keygen -R 'h'");
        }
        assertThat(Files.readString(kh)).isEqualTo(content);
        assertThat(verifier(HostKeyPolicy.TRUST_ALL_INSECURE, kh, "h", 22).check("ssh-ed25519", OTHER)).isNull();
    }

    @Test
    void revokedRefusedEvenWhenAlsoListed() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Path global = dir.resolve("global");
        Files.writeString(kh, "h ssh-ed25519 " + ED_B64 + "\n");
        Files.writeString(global, "@revoked * ssh-ed25519 " + ED_B64 + "\n");
        HostKeyNotVerifiable e = new HostKeyVerifier(HostKeyPolicy.ACCEPT_NEW, kh, List.of(global), "h", 22, false)
                .check("ssh-ed25519", ED);
        assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.REVOKED);
        assertThat(e.getMessage()).contains("@revoked", global + ":1");
    }

    /** A match in a read-only (global) file is enough. */
    @Test
    void globalFileMatch() throws Exception {
        Path global = dir.resolve("global");
        Files.writeString(global, "h ssh-ed25519 " + ED_B64 + "\n");
        assertThat(new HostKeyVerifier(HostKeyPolicy.STRICT, dir.resolve("none"), List.of(global), "h", 22, false)
                .check("ssh-ed25519", ED)).isNull();
    }

    /** accept-new appends the key in OpenSSH's format (creating the file) and later checks match it. */
    @Test
    void acceptNewAppends() throws Exception {
        Path kh = dir.resolve("sub/known_hosts");
        assertThat(verifier(HostKeyPolicy.ACCEPT_NEW, kh, "127.0.0.1", 2222).check("ssh-ed25519", ED)).isNull();
        assertThat(Files.readAllLines(kh)).containsExactly("[127.0.0.1]:2222 ssh-ed25519 " + ED_B64);
        assertThat(verifier(HostKeyPolicy.STRICT, kh, "127.0.0.1", 2222).check("ssh-ed25519", ED)).isNull();
    }

    /** A file without a final newline gets one before the appended line. */
    @Test
    void appendAfterUnterminatedLastLine() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "a ssh-ed25519 " + ED_B64);
        assertThat(KnownHosts.append(kh, "b", "ssh-ed25519", ED, false)).isTrue();
        assertThat(KnownHosts.append(kh, "b", "ssh-ed25519", ED, false)).isFalse();
        assertThat(Files.readAllLines(kh)).containsExactly("a ssh-ed25519 " + ED_B64, "b ssh-ed25519 " + ED_B64);
    }

    /**
     * Many connections accepting new keys at once: every host ends up exactly once, no line is torn,
     * and the same host accepted concurrently is written once.
     */
    @Test
    void concurrentAcceptNewDoesNotCorrupt() throws Exception {
        Path kh = dir.resolve("known_hosts");
        int hosts = 16;
        List<Callable<HostKeyNotVerifiable>> jobs = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            int port = 3000 + i;
            for (int copy = 0; copy < 3; copy++) {
                jobs.add(() -> verifier(HostKeyPolicy.ACCEPT_NEW, kh, "127.0.0.1", port).check("ssh-ed25519", ED));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<HostKeyNotVerifiable> f : pool.invokeAll(jobs)) {
                assertThat(f.get()).isNull();
            }
        } finally {
            pool.shutdown();
        }
        List<String> lines = Files.readAllLines(kh, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(hosts).doesNotHaveDuplicates()
                .allMatch(l -> l.matches("\\[127\\.0\\.0\\.1]:30\\d\\d ssh-ed25519 " + ED_B64));
    }

    /** Through MINA's interface with a real JCA key: the refusal is kept for the connect call. */
    @Test
    void minaEntryPointKeepsRefusal() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        PublicKey key = gen.generateKeyPair().getPublic();
        HostKeyVerifier v = verifier(HostKeyPolicy.STRICT, dir.resolve("kh"), "h", 22);
        assertThat(v.verifyServerKey(null, null, key)).isFalse();
        assertThat(v.refusal().fingerprint()).startsWith("ecdsa-sha2-nistp256 SHA256:");
        HostKeyVerifier accept = verifier(HostKeyPolicy.ACCEPT_NEW, dir.resolve("kh"), "h", 22);
        assertThat(accept.verifyServerKey(null, null, key)).isTrue();
        assertThat(accept.refusal()).isNull();
        assertThat(verifier(HostKeyPolicy.STRICT, dir.resolve("kh"), "h", 22).verifyServerKey(null, null, key)).isTrue();
    }

    /** With HashKnownHosts, accept-new records the host hashed (no name in the file) and later checks match it. */
    @Test
    void acceptNewHashedWhenAsked() throws Exception {
        Path kh = dir.resolve("known_hosts");
        assertThat(new HostKeyVerifier(HostKeyPolicy.ACCEPT_NEW, kh, List.of(), "db.example", 2222, true)
                .check("ssh-ed25519", ED)).isNull();
        String line = Files.readString(kh);
        assertThat(line).startsWith("|1|").doesNotContain("db.example").endsWith(" ssh-ed25519 " + ED_B64 + "\n");
        assertThat(verifier(HostKeyPolicy.STRICT, kh, "db.example", 2222).check("ssh-ed25519", ED)).isNull();
        assertThat(verifier(HostKeyPolicy.STRICT, kh, "db.example", 22).check("ssh-ed25519", ED)).isNotNull();
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static OpenSshCertificate hostCert(KeyPair ca, PublicKey hostKey) throws Exception {
        return OpenSshCertificateBuilder.hostCertificate().publicKey(hostKey).id("test-host").serial(7)
                .principals(List.of("db.example")).validAfter(Instant.now().minusSeconds(60))
                .validBefore(Instant.now().plusSeconds(3600)).sign(ca);
    }

    private static String line(String hosts, PublicKey key) {
        return hosts + " " + PublicKeyEntry.toString(key) + "\n";
    }

    /** A host certificate from a CA that a @cert-authority line trusts for the host is accepted. */
    @Test
    void certificateFromTrustedAuthorityAccepted() throws Exception {
        KeyPair ca = ecKeyPair();
        KeyPair host = ecKeyPair();
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "@cert-authority *.example " + PublicKeyEntry.toString(ca.getPublic()) + "\n");
        HostKeyVerifier v = verifier(HostKeyPolicy.STRICT, kh, "db.example", 22);
        assertThat(v.knownKeyTypes()).contains(HostKeyVerifier.CERT_AUTHORITY);
        assertThat(v.checkCertificate(hostCert(ca, host.getPublic()))).isNull();
        assertThat(verifier(HostKeyPolicy.STRICT, kh, "db.other", 22).knownKeyTypes()).isEmpty();
    }

    /** An untrusted CA: as OpenSSH, the certified key is checked as a plain key (known: accepted; else refused). */
    @Test
    void certificateFromUnknownAuthorityFallsBackToThePlainKey() throws Exception {
        KeyPair trusted = ecKeyPair();
        KeyPair other = ecKeyPair();
        KeyPair host = ecKeyPair();
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "@cert-authority db.example " + PublicKeyEntry.toString(trusted.getPublic()) + "\n");
        HostKeyNotVerifiable e = verifier(HostKeyPolicy.STRICT, kh, "db.example", 22).checkCertificate(hostCert(other, host.getPublic()));
        assertThat(e).isNotNull();
        assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.UNKNOWN);
        Files.writeString(kh, line("db.example", host.getPublic()), StandardOpenOption.APPEND);
        assertThat(verifier(HostKeyPolicy.STRICT, kh, "db.example", 22).checkCertificate(hostCert(other, host.getPublic())))
                .isNull();
    }

    /** A revoked CA or a revoked certified key is refused even though the CA is trusted. */
    @Test
    void revokedAuthorityOrKeyRefused() throws Exception {
        KeyPair ca = ecKeyPair();
        KeyPair host = ecKeyPair();
        Path kh = dir.resolve("known_hosts");
        String trust = "@cert-authority db.example " + PublicKeyEntry.toString(ca.getPublic()) + "\n";
        for (PublicKey revoked : List.of(ca.getPublic(), host.getPublic())) {
            Files.writeString(kh, trust + "@revoked * " + PublicKeyEntry.toString(revoked) + "\n");
            HostKeyNotVerifiable e = verifier(HostKeyPolicy.ACCEPT_NEW, kh, "db.example", 22)
                    .checkCertificate(hostCert(ca, host.getPublic()));
            assertThat(e.why()).isEqualTo(HostKeyNotVerifiable.Reason.REVOKED);
            assertThat(e.getMessage()).contains("@revoked", kh + ":2");
        }
    }
}
