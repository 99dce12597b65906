package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.ssh.internal.KnownHosts.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {
    /** A real ed25519 key made by ssh-keygen, with the fingerprint `ssh-keygen -lf` printed for it. */
    static final String ED_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIGXOUWLVbMk1j34US6J1tQ1F4MSj0dLh3K5bCxaxHJJz";
    static final String ED_FINGERPRINT = "SHA256:opOdEszfyzzvsdydM94pRCXuoDFsRNmEOADWGGSXfY8";
    static final byte[] ED = Base64.getDecoder().decode(ED_B64);
    static final byte[] OTHER = Base64.getDecoder().decode("AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    static final byte[] RSA = {0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a', 1, 2, 3};

    private static KnownHosts parse(String... lines) {
        return KnownHosts.parse(Path.of("known_hosts"), List.of(lines));
    }

    @Test
    void plainHostMatchesOnPort22Only() {
        KnownHosts kh = parse("example.com,10.0.0.1 ssh-ed25519 " + ED_B64);
        assertThat(kh.check("example.com", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("EXAMPLE.com", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("10.0.0.1", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check(KnownHosts.lookupName("example.com", 2222), "ssh-ed25519", ED).verdict())
                .isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void bracketedPortForm() {
        assertThat(KnownHosts.lookupName("h", 22)).isEqualTo("h");
        assertThat(KnownHosts.lookupName("h", 2222)).isEqualTo("[h]:2222");
        KnownHosts kh = parse("[127.0.0.1]:2222 ssh-ed25519 " + ED_B64);
        assertThat(kh.check("[127.0.0.1]:2222", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("127.0.0.1", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    /** Lines hashed by `ssh-keygen -H` itself match the names they were made from, and nothing else. */
    @Test
    void hashedEntriesFromOpenSsh() {
        KnownHosts kh = parse(
                "|1|1PBObVBu7nIVHUdrxROE74waA3U=|QPtITCDK/P0R46LJR52aTVgbGu4= ssh-ed25519 " + ED_B64,
                "|1|mE9cnjJwxwLZ6Hng1sRg0qX1ihI=|BUJcSzV2OMit6dZs4Os7sIv99kE= ssh-ed25519 " + ED_B64);
        assertThat(kh.check("[127.0.0.1]:2222", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("example.com", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("example.org", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(kh.check("example.com", "ssh-ed25519", OTHER).verdict()).isEqualTo(Verdict.CHANGED);
    }

    @Test
    void hashNameRoundTrips() {
        byte[] salt = new byte[20];
        salt[3] = 7;
        KnownHosts kh = parse(KnownHosts.hashName("[h]:99", salt) + " ssh-ed25519 " + ED_B64);
        assertThat(kh.check("[h]:99", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("[h]:98", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void wildcardsAndNegation() {
        KnownHosts kh = parse("*.example.com,!bad.example.com,host? ssh-ed25519 " + ED_B64);
        assertThat(kh.check("a.example.com", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("host1", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.MATCH);
        assertThat(kh.check("host12", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(kh.check("bad.example.com", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void changedKeyOfSameTypeAndOtherTypes() {
        KnownHosts kh = parse("h ssh-ed25519 " + ED_B64);
        KnownHosts.Lookup changed = kh.check("h", "ssh-ed25519", OTHER);
        assertThat(changed.verdict()).isEqualTo(Verdict.CHANGED);
        assertThat(changed.entry().line()).isEqualTo(1);
        assertThat(kh.check("h", "ssh-rsa", RSA).verdict()).isEqualTo(Verdict.OTHER_TYPES);
    }

    /** A revoked key is refused for every host, even one that also lists it as valid. */
    @Test
    void revokedWins() {
        KnownHosts kh = parse("h ssh-ed25519 " + ED_B64, "@revoked * ssh-ed25519 " + ED_B64);
        assertThat(kh.check("h", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.REVOKED);
        assertThat(kh.check("elsewhere", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.REVOKED);
    }

    /** A @cert-authority line is parsed as a CA, and its key is not accepted as the host's own key. */
    @Test
    void certAuthorityParsedNotTrustedAsHostKey() {
        KnownHosts kh = parse("@cert-authority *.example.com ssh-ed25519 " + ED_B64);
        assertThat(kh.entries()).singleElement().satisfies(e -> {
            assertThat(e.marker()).isEqualTo(KnownHosts.Marker.CERT_AUTHORITY);
            assertThat(e.hosts()).isEqualTo("*.example.com");
        });
        assertThat(kh.check("a.example.com", "ssh-ed25519", ED).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void commentsBlankAndMalformedLines() {
        KnownHosts kh = parse("# comment", "", "justonefield", "@bogus h ssh-ed25519 " + ED_B64,
                "h ssh-ed25519 !!notbase64!!", "  h ssh-ed25519 " + ED_B64 + " a comment");
        assertThat(kh.entries()).hasSize(1);
        assertThat(kh.entries().get(0).line()).isEqualTo(6);
        assertThat(kh.problems()).hasSize(3).allMatch(p -> p.startsWith("known_hosts:"));
    }

    @Test
    void fingerprintAsOpenSshPrintsIt() {
        assertThat(KnownHosts.sha256Fingerprint(ED)).isEqualTo(ED_FINGERPRINT);
    }

    /** A parsed file is cached, yet an append (by us or by OpenSSH) is seen at the next read. */
    @Test
    void readSeesEveryChangeToTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("known_hosts");
        assertThat(KnownHosts.read(file).entries()).isEmpty();
        Files.writeString(file, "a.example ssh-ed25519 " + ED_B64 + "\n");
        KnownHosts first = KnownHosts.read(file);
        assertThat(KnownHosts.read(file)).isSameAs(first);
        assertThat(first.keyTypesFor("a.example")).containsExactly("ssh-ed25519");
        assertThat(KnownHosts.append(file, "b.example", "ssh-ed25519", OTHER, false)).isTrue();
        assertThat(KnownHosts.read(file).check("b.example", "ssh-ed25519", OTHER).verdict()).isEqualTo(Verdict.MATCH);
        Files.writeString(file, "c.example ssh-ed25519 " + ED_B64 + "\n", StandardOpenOption.APPEND);
        assertThat(KnownHosts.read(file).keyTypesFor("c.example")).containsExactly("ssh-ed25519");
        Files.delete(file);
        assertThat(KnownHosts.read(file).entries()).isEmpty();
    }

    @Test
    void keyTypesForListsPlainEntriesOfTheHostOnly() {
        KnownHosts kh = parse("h ssh-ed25519 " + ED_B64, "h ecdsa-sha2-nistp256 " + ED_B64, "other ssh-rsa " + ED_B64,
                "@revoked h ssh-rsa " + ED_B64, "@cert-authority h ssh-rsa " + ED_B64);
        assertThat(kh.keyTypesFor("h")).containsExactly("ssh-ed25519", "ecdsa-sha2-nistp256");
        assertThat(kh.keyTypesFor("nobody")).isEmpty();
    }
}
