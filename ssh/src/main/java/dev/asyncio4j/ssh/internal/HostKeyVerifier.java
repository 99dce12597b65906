package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.ssh.HostKeyNotVerifiable;
import dev.asyncio4j.ssh.HostKeyPolicy;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Checks one connection's server key against known_hosts files under a {@link HostKeyPolicy}. A refusal
 * is kept as a {@link HostKeyNotVerifiable} for the connect call to throw (MINA only sees {@code false}).
 * Runs on MINA's I/O thread, never on an event loop.
 */
public final class HostKeyVerifier implements ServerKeyVerifier {
    /** In {@link #knownKeyTypes()}: a {@code @cert-authority} line names the host, so certificates are asked for first. */
    public static final String CERT_AUTHORITY = "@cert-authority";

    private final HostKeyPolicy policy;
    private final Path userFile;
    private final List<Path> readOnlyFiles;
    private final String lookup;
    private final boolean hashNew;
    private volatile HostKeyNotVerifiable refusal;

    /**
     * Creates a verifier for one connection.
     *
     * @param policy        what to do with unknown keys
     * @param userFile      the user's known_hosts (read, and appended to under {@link HostKeyPolicy#ACCEPT_NEW})
     * @param readOnlyFiles further files only read (e.g. the global known_hosts)
     * @param host          the host name as the user gave it after config resolution
     * @param port          the port
     * @param hashNew       whether keys accepted under {@link HostKeyPolicy#ACCEPT_NEW} are recorded with the
     *                      host name hashed ({@code HashKnownHosts yes})
     */
    public HostKeyVerifier(HostKeyPolicy policy, Path userFile, List<Path> readOnlyFiles, String host, int port,
            boolean hashNew) {
        this.policy = policy;
        this.userFile = userFile;
        this.readOnlyFiles = List.copyOf(readOnlyFiles);
        this.lookup = KnownHosts.lookupName(host, port);
        this.hashNew = hashNew;
    }

    /**
     * Returns why the key was refused.
     *
     * @return the refusal, or {@code null} if the key was accepted or not yet seen
     */
    public HostKeyNotVerifiable refusal() {
        return refusal;
    }

    /**
     * Returns the key types the known_hosts files hold for this destination, so that the client can
     * ask for those first (as OpenSSH orders its HostKeyAlgorithms).
     *
     * @return the known key types, empty when the host is unknown or every key is trusted anyway
     * @throws IOException if a known_hosts file cannot be read
     */
    public Set<String> knownKeyTypes() throws IOException {
        if (policy == HostKeyPolicy.TRUST_ALL_INSECURE) {
            return Set.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (KnownHosts kh : files()) {
            types.addAll(kh.keyTypesFor(lookup));
            if (kh.hasCertAuthorityFor(lookup)) {
                types.add(CERT_AUTHORITY);
            }
        }
        return types;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        try {
            refusal = serverKey instanceof OpenSshCertificate cert ? checkCertificate(cert) : check(wireForm(serverKey));
        } catch (IOException e) {
            refusal = new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.UNKNOWN, lookup, serverKey.getAlgorithm(),
                    "Cannot check the host key of " + lookup + ": " + e.getMessage());
        }
        return refusal == null;
    }

    /** A key's type name and wire encoding, as a known_hosts line holds them. */
    private static String[] wireForm(PublicKey key) {
        return PublicKeyEntry.toString(key).split(" ");
    }

    private HostKeyNotVerifiable check(String[] typeAndBase64) throws IOException {
        return check(typeAndBase64[0], Base64.getDecoder().decode(typeAndBase64[1]));
    }

    /**
     * Decides on a host certificate the key exchange has verified (CA signature, host type, validity,
     * principals): accepted if a {@code @cert-authority} line trusts its CA for this host, refused if the
     * CA or the key is {@code @revoked}; otherwise, as OpenSSH does, the certified key is checked as a
     * plain host key.
     *
     * @param cert the server's certificate
     * @return {@code null} to accept, else why not
     * @throws IOException if a known_hosts file cannot be read or written
     */
    public HostKeyNotVerifiable checkCertificate(OpenSshCertificate cert) throws IOException {
        String[] plain = wireForm(cert.getCertPubKey());
        if (policy == HostKeyPolicy.TRUST_ALL_INSECURE) {
            return null;
        }
        String[] ca = wireForm(cert.getCaPubKey());
        byte[] caBlob = Base64.getDecoder().decode(ca[1]);
        byte[] keyBlob = Base64.getDecoder().decode(plain[1]);
        boolean trusted = false;
        for (KnownHosts kh : files()) {
            KnownHosts.Lookup l = kh.checkCertificate(lookup, caBlob, keyBlob);
            if (l.verdict() == KnownHosts.Verdict.REVOKED) {
                return new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.REVOKED, lookup,
                        plain[0] + " " + KnownHosts.sha256Fingerprint(keyBlob), "Host certificate of " + lookup
                                + " (CA " + ca[0] + " " + KnownHosts.sha256Fingerprint(caBlob) + ") is marked @revoked in "
                                + kh.source() + ":" + l.entry().line() + "; refusing to connect.");
            }
            trusted |= l.verdict() == KnownHosts.Verdict.MATCH;
        }
        return trusted ? null : check(plain);
    }

    private List<KnownHosts> files() throws IOException {
        List<KnownHosts> files = new ArrayList<>();
        files.add(KnownHosts.read(userFile));
        for (Path p : readOnlyFiles) {
            files.add(KnownHosts.read(p));
        }
        return files;
    }

    /**
     * Decides on a key given its type and wire encoding.
     *
     * @param keyType the key type, e.g. {@code ssh-ed25519}
     * @param blob    the key's wire encoding
     * @return {@code null} to accept, else why not
     * @throws IOException if a known_hosts file cannot be read or written
     */
    public HostKeyNotVerifiable check(String keyType, byte[] blob) throws IOException {
        if (policy == HostKeyPolicy.TRUST_ALL_INSECURE) {
            return null;
        }
        String fingerprint = keyType + " " + KnownHosts.sha256Fingerprint(blob);
        List<KnownHosts> files = files();
        // A revocation in any file wins; then a match in any file; then the most alarming verdict.
        KnownHosts.Lookup decided = new KnownHosts.Lookup(KnownHosts.Verdict.UNKNOWN, null);
        Path decidedIn = null;
        boolean matched = false;
        for (KnownHosts kh : files) {
            KnownHosts.Lookup l = kh.check(lookup, keyType, blob);
            matched |= l.verdict() == KnownHosts.Verdict.MATCH;
            if (rank(l) > rank(decided)) {
                decided = l;
                decidedIn = kh.source();
            }
        }
        if (matched && decided.verdict() != KnownHosts.Verdict.REVOKED) { // so `decided` is never MATCH below
            return null;
        }
        return switch (decided.verdict()) {
            case REVOKED -> new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.REVOKED, lookup, fingerprint,
                    "Host key " + fingerprint + " of " + lookup + " is marked @revoked in " + decidedIn + ":"
                            + decided.entry().line() + "; refusing to connect.");
            case CHANGED -> new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.CHANGED, lookup, fingerprint,
                    "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for " + lookup + ": it presented "
                            + fingerprint + " but " + decidedIn + ":" + decided.entry().line()
                            + " has another " + keyType + " key. Someone could be eavesdropping on you right now"
                            + " (man-in-the-middle attack), or the host key was just changed. If you are sure the"
                            + " change is expected, remove the old entry with: ssh-keygen -R '" + lookup + "' -f "
                            + decidedIn + "; refusing to connect.");
            case OTHER_TYPES -> new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.UNKNOWN, lookup, fingerprint,
                    "Host " + lookup + " presented " + fingerprint + ", but " + decidedIn + ":"
                            + decided.entry().line() + " knows it only by a " + decided.entry().keyType()
                            + " key; refusing to connect. Check the fingerprint with the server's administrator"
                            + " and add the key to " + userFile + " to trust it.");
            case UNKNOWN, MATCH -> acceptNewOrRefuse(keyType, blob, fingerprint);
        };
    }

    private HostKeyNotVerifiable acceptNewOrRefuse(String keyType, byte[] blob, String fingerprint) throws IOException {
        if (policy == HostKeyPolicy.ACCEPT_NEW) {
            KnownHosts.append(userFile, lookup, keyType, blob, hashNew);
            return null;
        }
        return new HostKeyNotVerifiable(HostKeyNotVerifiable.Reason.UNKNOWN, lookup, fingerprint,
                "Host key of " + lookup + " is not known: it presented " + fingerprint + ". To trust it, check"
                        + " the fingerprint with the server's administrator, then add it to " + userFile
                        + " (e.g. ssh-keyscan " + keyscanArgs() + " >> " + userFile
                        + ") or connect once with HostKeyPolicy.ACCEPT_NEW.");
    }

    private String keyscanArgs() {
        if (lookup.startsWith("[")) {
            int close = lookup.indexOf("]:");
            return "-p " + lookup.substring(close + 2) + " " + lookup.substring(1, close);
        }
        return lookup;
    }

    private static int rank(KnownHosts.Lookup l) {
        return switch (l.verdict()) {
            case UNKNOWN, MATCH -> 0;
            case OTHER_TYPES -> 1;
            case CHANGED -> 2;
            case REVOKED -> 3;
        };
    }

    @Override
    public String toString() {
        return "HostKeyVerifier[" + policy + ", " + lookup + ", " + userFile + "]";
    }
}
