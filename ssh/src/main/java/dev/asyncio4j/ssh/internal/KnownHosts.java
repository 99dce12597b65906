package dev.asyncio4j.ssh.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed OpenSSH known_hosts file: plain and hashed ({@code |1|salt|hash}) host patterns, the
 * {@code [host]:port} form, negated and wildcard patterns, and the {@code @revoked} and
 * {@code @cert-authority} markers. Keys are compared by their SSH wire encoding, so a key type this
 * client cannot use is still parsed and matched.
 */
public final class KnownHosts {

    /** What known_hosts says about a host and the key it presented. */
    public enum Verdict {
        /** a non-revoked entry for the host has exactly this key */
        MATCH,
        /** no entry names the host */
        UNKNOWN,
        /** the host is known, but only with keys of other types */
        OTHER_TYPES,
        /** the host is known with another key of the same type */
        CHANGED,
        /** the key is listed {@code @revoked} */
        REVOKED
    }

    /** A marker at the start of a line. */
    public enum Marker {
        /** a plain host key line */
        NONE,
        /** {@code @revoked}: the key must never be accepted */
        REVOKED,
        /** {@code @cert-authority}: a CA whose host certificates are trusted for the line's hosts */
        CERT_AUTHORITY
    }

    /**
     * One known_hosts line.
     *
     * @param marker   the line's marker
     * @param hosts    the host field as written (patterns or one hashed entry)
     * @param keyType  the key type name, e.g. {@code ssh-ed25519}
     * @param keyBlob  the key's wire encoding
     * @param line     the 1-based line number
     */
    public record Entry(Marker marker, String hosts, String keyType, byte[] keyBlob, int line) {
        boolean matchesHost(String lookup) {
            if (hosts.startsWith("|1|")) {
                return hashedMatch(hosts, lookup);
            }
            return Patterns.matchList(hosts, lookup, true);
        }

        boolean hasKey(byte[] blob) {
            return MessageDigest.isEqual(keyBlob, blob);
        }
    }

    /**
     * The result of a lookup.
     *
     * @param verdict what known_hosts says
     * @param entry   the deciding entry (the revoking or the conflicting one), or {@code null}
     */
    public record Lookup(Verdict verdict, Entry entry) {
    }

    private static final SecureRandom SALTS = new SecureRandom();
    private static final ConcurrentHashMap<Path, ReentrantLock> APPEND_LOCKS = new ConcurrentHashMap<>();

    private final Path source;
    private final List<Entry> entries;
    private final List<String> problems;

    private KnownHosts(Path source, List<Entry> entries, List<String> problems) {
        this.source = source;
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    /**
     * Reads a known_hosts file; a missing file is an empty one. Parsed files are cached by path, inode,
     * modification time and size, so a fan-out of many connections parses each file once, and any change
     * to it (an append by OpenSSH or by {@link #append}) is seen at the next read.
     *
     * @param file the file
     * @return its entries
     * @throws IOException if the file exists but cannot be read
     */
    public static KnownHosts read(Path file) throws IOException {
        FileVersion version = FileVersion.of(file);
        if (version == null) {
            return parse(file, List.of());
        }
        Parsed cached = CACHE.get(version.file());
        if (cached != null && version.equals(cached.version())) {
            return cached.hosts();
        }
        KnownHosts parsed;
        try {
            parsed = parse(file, new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList());
        } catch (NoSuchFileException e) {
            return parse(file, List.of());
        }
        CACHE.put(version.file(), new Parsed(version, parsed));
        return parsed;
    }

    /** A file's version and what it parsed to. */
    private record Parsed(FileVersion version, KnownHosts hosts) {
    }

    /** The last parse of each file read, by absolute path. */
    private static final ConcurrentHashMap<Path, Parsed> CACHE = new ConcurrentHashMap<>();

    /**
     * Parses known_hosts lines; malformed lines are skipped and reported by {@link #problems()}.
     *
     * @param source where the lines came from (for messages)
     * @param lines  the lines
     * @return the entries
     */
    public static KnownHosts parse(Path source, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] f = text.split("\\s+");
            int at = 0;
            Marker marker = Marker.NONE;
            if (f[0].startsWith("@")) {
                marker = switch (f[0]) {
                    case "@revoked" -> Marker.REVOKED;
                    case "@cert-authority" -> Marker.CERT_AUTHORITY;
                    default -> null;
                };
                at = 1;
            }
            if (marker == null || f.length < at + 3) {
                problems.add(source + ":" + (i + 1) + ": malformed line skipped");
                continue;
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(f[at + 2]);
            } catch (IllegalArgumentException e) {
                problems.add(source + ":" + (i + 1) + ": bad base64 key skipped");
                continue;
            }
            entries.add(new Entry(marker, f[at], f[at + 1], blob, i + 1));
        }
        return new KnownHosts(source, entries, problems);
    }

    /**
     * Returns the entries in file order.
     *
     * @return the entries
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Returns the malformed lines that were skipped.
     *
     * @return one message per skipped line
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * Returns the file these entries came from.
     *
     * @return the file
     */
    public Path source() {
        return source;
    }

    /**
     * Returns the name OpenSSH looks a host up by: {@code host} for port 22, {@code [host]:port} otherwise.
     *
     * @param host the host name or address
     * @param port the port
     * @return the lookup name
     */
    public static String lookupName(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /**
     * Checks a server's key: a revocation anywhere wins; then an exact match; then a same-type key for
     * the host means the key changed.
     *
     * @param lookup  the lookup name ({@link #lookupName})
     * @param keyType the presented key's type, e.g. {@code ssh-ed25519}
     * @param keyBlob the presented key's wire encoding
     * @return the verdict and the deciding entry
     */
    public Lookup check(String lookup, String keyType, byte[] keyBlob) {
        for (Entry e : entries) {
            if (e.marker() == Marker.REVOKED && e.hasKey(keyBlob)) {
                return new Lookup(Verdict.REVOKED, e);
            }
        }
        Entry sameType = null;
        Entry otherType = null;
        for (Entry e : entries) {
            if (e.marker() != Marker.NONE || !e.matchesHost(lookup)) {
                continue;
            }
            if (e.hasKey(keyBlob)) {
                return new Lookup(Verdict.MATCH, e);
            }
            if (e.keyType().equals(keyType)) {
                sameType = sameType == null ? e : sameType;
            } else {
                otherType = otherType == null ? e : otherType;
            }
        }
        if (sameType != null) {
            return new Lookup(Verdict.CHANGED, sameType);
        }
        return otherType != null ? new Lookup(Verdict.OTHER_TYPES, otherType) : new Lookup(Verdict.UNKNOWN, null);
    }

    /**
     * Checks a host certificate (whose signature, type, validity and principals the key exchange has
     * already verified): trusted if a {@code @cert-authority} line for the host has its CA key, unless
     * the CA key or the certified key is {@code @revoked}.
     *
     * @param lookup      the lookup name ({@link #lookupName})
     * @param caBlob      the signing CA key's wire encoding
     * @param certKeyBlob the certified host key's wire encoding
     * @return {@link Verdict#MATCH}, {@link Verdict#REVOKED} or {@link Verdict#UNKNOWN}, with the deciding entry
     */
    public Lookup checkCertificate(String lookup, byte[] caBlob, byte[] certKeyBlob) {
        for (Entry e : entries) {
            if (e.marker() == Marker.REVOKED && (e.hasKey(caBlob) || e.hasKey(certKeyBlob))) {
                return new Lookup(Verdict.REVOKED, e);
            }
        }
        for (Entry e : entries) {
            if (e.marker() == Marker.CERT_AUTHORITY && e.hasKey(caBlob) && e.matchesHost(lookup)) {
                return new Lookup(Verdict.MATCH, e);
            }
        }
        return new Lookup(Verdict.UNKNOWN, null);
    }

    /**
     * Returns whether a {@code @cert-authority} line names this host.
     *
     * @param lookup the lookup name ({@link #lookupName})
     * @return {@code true} if some CA is trusted for the host
     */
    public boolean hasCertAuthorityFor(String lookup) {
        return entries.stream().anyMatch(e -> e.marker() == Marker.CERT_AUTHORITY && e.matchesHost(lookup));
    }

    /**
     * Returns the key types this file holds for a host (plain entries, not revocations or authorities).
     *
     * @param lookup the lookup name ({@link #lookupName})
     * @return the key types, e.g. {@code ssh-ed25519}; empty if the host is not known
     */
    public Set<String> keyTypesFor(String lookup) {
        Set<String> types = new LinkedHashSet<>();
        for (Entry e : entries) {
            if (e.marker() == Marker.NONE && e.matchesHost(lookup)) {
                types.add(e.keyType());
            }
        }
        return types;
    }

    /**
     * Appends {@code lookup keyType base64} to a known_hosts file unless the host already has exactly that
     * key, safely under concurrent connections: one writer at a time per file in this JVM and, through an
     * exclusive file lock, across processes that lock too; the file is re-read under the lock; the line
     * goes out as one {@code O_APPEND} write, so OpenSSH's own unlocked appends are not torn either.
     * Creates the file (and a missing parent directory, mode 700) if needed.
     *
     * @param file    the known_hosts file
     * @param lookup  the lookup name ({@link #lookupName})
     * @param keyType the key type
     * @param keyBlob the key's wire encoding
     * @param hashed  whether to write the host name hashed, as OpenSSH's {@code HashKnownHosts yes}
     * @return {@code true} if a line was written, {@code false} if the key was already there
     * @throws IOException if the file cannot be written
     */
    public static boolean append(Path file, String lookup, String keyType, byte[] keyBlob, boolean hashed)
            throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        ReentrantLock jvmLock = APPEND_LOCKS.computeIfAbsent(abs, p -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
                FileLock ignored = ch.lock()) {
            String text = new String(Files.readAllBytes(abs), StandardCharsets.UTF_8);
            if (parse(abs, text.lines().toList()).check(lookup, keyType, keyBlob).verdict() == Verdict.MATCH) {
                return false;
            }
            String name = lookup;
            if (hashed) {
                byte[] salt = new byte[20];
                SALTS.nextBytes(salt);
                name = hashName(lookup, salt);
            }
            String line = name + " " + keyType + " " + Base64.getEncoder().encodeToString(keyBlob) + "\n";
            if (!text.isEmpty() && !text.endsWith("\n")) {
                line = "\n" + line;
            }
            ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(false);
            return true;
        } finally {
            jvmLock.unlock();
        }
    }

    /** Formats a key's SHA256 fingerprint as OpenSSH prints it: {@code SHA256:} + unpadded base64. */
    static String sha256Fingerprint(byte[] keyBlob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static boolean hashedMatch(String hashed, String lookup) {
        String[] parts = hashed.split("\\|");
        if (parts.length != 4 || !parts[1].equals("1")) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            return MessageDigest.isEqual(hashName(lookup, salt).getBytes(StandardCharsets.US_ASCII),
                    hashed.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Hashes a lookup name as OpenSSH's {@code HashKnownHosts} does (for tests and for writing hashed lines).
     *
     * @param lookup the lookup name
     * @param salt   20 random bytes
     * @return {@code |1|base64(salt)|base64(HMAC-SHA1(salt, lookup))}
     */
    public static String hashName(String lookup, byte[] salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] h = mac.doFinal(lookup.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "KnownHosts[" + source + ", " + entries.size() + " entries]";
    }
}
