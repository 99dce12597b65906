package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.ssh.ConnectionLost;
import dev.asyncio4j.ssh.DisconnectError;
import dev.asyncio4j.ssh.HostKeyNotVerifiable;
import dev.asyncio4j.ssh.HostKeyPolicy;
import dev.asyncio4j.ssh.PermissionDenied;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHException;
import dev.asyncio4j.ssh.SSHOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.session.helpers.MissingAttachedSessionException;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * {@code SSH.connect}: resolves the destination from the options and {@code ~/.ssh/config}, loads keys
 * (both on the loop's executor), then connects and authenticates through MINA's futures, awaiting them
 * from the calling task. Failures become the {@code SSHException} hierarchy or the JDK's network errors.
 */
public final class Connector {
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** Everything a connection attempt needs, resolved from options and config (no secrets in toString). */
    record Plan(String host, String hostName, java.net.InetSocketAddress address, int port, String user, List<KeyPair> keys, String keySummary,
            String password, Path agentSocket, HostKeyVerifier verifier, Set<String> knownKeyTypes, Duration connectTimeout,
            Duration loginTimeout, Duration keepalive, int keepaliveMax, String proxyJump, int maxSessions,
            int maxStartups) {
        @Override
        public String toString() {
            return "Plan[" + user + "@" + hostName + ":" + port + ", " + keySummary + ", password="
                    + (password == null ? "no" : "yes") + ", agent=" + agentSocket + ", " + verifier + "]";
        }
    }

    private Connector() {
    }

    /**
     * Connects and authenticates from the current task.
     *
     * @param host    the host or alias
     * @param options the options
     * @return the connection
     * @throws IOException see {@code SSH.connect}
     */
    public static SSHClientConnection connect(String host, SSHOptions options) throws IOException {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        Plan plan = Asyncio.toThread(() -> plan(host, options, false));
        if (plan.proxyJump() == null) {
            return open(plan, plan.address(), List.of());
        }
        // OpenSSH's ProxyJump a,b: connect to a, to b through a, then to the destination through b.
        SSHClientConnection via = null;
        try {
            for (String hop : plan.proxyJump().split(",")) {
                JumpHost j = JumpHost.parse(hop.strip());
                SSHOptions hopOptions = j.options(options);
                Plan hopPlan = Asyncio.toThread(() -> plan(j.host(), hopOptions, true));
                via = via == null ? open(hopPlan, hopPlan.address(), List.of()) : through(via, hopPlan);
            }
            SSHClientConnection result = through(via, plan);
            via = null;
            return result;
        } finally {
            if (via != null) {
                via.close();
            }
        }
    }

    /**
     * Connects to {@code plan}'s destination through a local port forwarded by {@code via}; the
     * resulting connection owns the forwarding and {@code via}, and closes them when it closes.
     */
    private static SSHClientConnection through(SSHClientConnection via, Plan plan) throws IOException {
        ClientSession jump = ((DefaultSSHClientConnection) via).session();
        ExplicitPortForwardingTracker tracker;
        try {
            // binding the local listener is a blocking call
            tracker = Asyncio.toThread(() -> jump.createLocalPortForwardingTracker(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(plan.hostName(), plan.port())));
        } catch (Exception e) { // toThread rethrows the call's IOException unchanged
            via.close();
            throw new SSHException("cannot forward to " + plan.hostName() + ":" + plan.port() + " through "
                    + via.host() + ": " + e.getMessage(), e);
        }
        try {
            return open(plan, tracker.getBoundAddress().toInetSocketAddress(), List.of(tracker, via));
        } catch (IOException | RuntimeException | Error e) {
            tracker.close();
            via.close();
            throw e;
        }
    }

    /** Blocking part: config evaluation and key loading. */
    static Plan plan(String host, SSHOptions o, boolean isJumpHost) throws IOException {
        Path home = Path.of(System.getProperty("user.home"));
        String localUser = System.getProperty("user.name");
        String defaultUser = o.username() != null ? o.username() : localUser;
        SshConfig config = null;
        SshConfig.Resolved cfg = new SshConfig.Resolved(host, java.util.Map.of());
        if (o.useConfig()) {
            Path file = o.configFile() != null ? o.configFile() : home.resolve(".ssh/config");
            config = new SshConfig(file, home, localUser);
            cfg = config.resolve(host, defaultUser);
        }
        // A jump host's own ProxyJump is not followed (the chain is given by the destination's).
        String proxyJump = o.proxyJump() != null ? o.proxyJump() : isJumpHost ? null : cfg.get("proxyjump");
        if (proxyJump != null && (proxyJump.isBlank() || proxyJump.equalsIgnoreCase("none"))) {
            proxyJump = null;
        }
        String user = o.username() != null ? o.username() : cfg.get("user") != null ? cfg.get("user") : localUser;
        int port = o.port() != null ? o.port() : cfg.port() != null ? cfg.port() : 22;
        String hostName = cfg.hostName();

        Path knownHosts = o.knownHosts();
        if (knownHosts == null) {
            String fromConfig = cfg.get("userknownhostsfile");
            knownHosts = fromConfig != null && config != null ? config.expandPath(cfg, user, fromConfig)
                    : home.resolve(".ssh/known_hosts");
        }
        List<Path> global = new ArrayList<>();
        String globalFromConfig = cfg.get("globalknownhostsfile");
        global.add(globalFromConfig != null && config != null ? config.expandPath(cfg, user, globalFromConfig)
                : Path.of("/etc/ssh/ssh_known_hosts"));
        HostKeyPolicy policy = o.hostKeyPolicy() != null ? o.hostKeyPolicy() : policyFromConfig(cfg.get("stricthostkeychecking"));
        HostKeyVerifier verifier = new HostKeyVerifier(policy, knownHosts, global, hostName, port,
                "yes".equalsIgnoreCase(cfg.get("hashknownhosts")));

        List<KeyPair> keys = new ArrayList<>();
        String summary;
        if (o.clientKeys() != null) {
            for (Path p : o.clientKeys()) {
                keys.addAll(loadKey(p, o.passphrase(), true));
            }
            summary = o.clientKeys().size() + " client key(s)";
        } else {
            List<Path> files = new ArrayList<>();
            for (String f : cfg.all("identityfile")) {
                files.add(config.expandPath(cfg, user, f));
            }
            if (files.isEmpty()) {
                for (String name : DEFAULT_KEYS) {
                    files.add(home.resolve(".ssh").resolve(name));
                }
            }
            for (Path p : files) {
                keys.addAll(loadKey(p, o.passphrase(), false));
            }
            summary = keys.size() + " key(s) from " + (cfg.all("identityfile").isEmpty() ? "~/.ssh/id_*" : "IdentityFile");
        }

        Path agent = null;
        boolean identitiesOnly = "yes".equalsIgnoreCase(cfg.get("identitiesonly"));
        if (o.agent() && !identitiesOnly) {
            if (o.agentSocket() != null) {
                agent = o.agentSocket();
            } else if (System.getenv("SSH_AUTH_SOCK") != null && !System.getenv("SSH_AUTH_SOCK").isEmpty()) {
                agent = Path.of(System.getenv("SSH_AUTH_SOCK"));
            }
        }
        Duration connectTimeout = o.connectTimeout() != null ? o.connectTimeout() : cfg.connectTimeout();
        // keepalive(...) sets interval and count together; otherwise both come from the config
        Duration keepalive = o.keepaliveInterval() != null ? o.keepaliveInterval() : cfg.serverAliveInterval();
        int keepaliveMax = o.keepaliveInterval() != null ? o.keepaliveCountMax() : cfg.serverAliveCountMax();
        // Name resolution blocks, so it happens here, on the executor, and so does MINA's first start.
        // Behind a jump host the name is resolved by the jump host.
        java.net.InetSocketAddress address = proxyJump != null ? java.net.InetSocketAddress.createUnresolved(hostName, port)
                : new java.net.InetSocketAddress(hostName, port);
        if (address.isUnresolved() && proxyJump == null) {
            throw new java.net.UnknownHostException(hostName + (hostName.equals(host) ? "" : " (HostName of " + host + ")"));
        }
        MinaClient.get();
        return new Plan(host, hostName, address, port, user, List.copyOf(keys), summary, o.password(), agent, verifier,
                Set.copyOf(verifier.knownKeyTypes()),
                connectTimeout, o.loginTimeout(), keepalive, keepaliveMax, proxyJump, o.maxSessions(),
                o.maxStartups());
    }

    /**
     * Maps OpenSSH's StrictHostKeyChecking; "no"/"off" become accept-new here, since trusting changed
     * keys must be asked for in code ({@link HostKeyPolicy#TRUST_ALL_INSECURE}), not by a config line.
     */
    static HostKeyPolicy policyFromConfig(String value) {
        if (value == null) {
            return HostKeyPolicy.STRICT;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "accept-new", "no", "off" -> HostKeyPolicy.ACCEPT_NEW;
            default -> HostKeyPolicy.STRICT;
        };
    }

    /**
     * Loads a private key file (OpenSSH or PEM). An explicitly named key must load; a default or
     * config-named key that is missing or encrypted without a passphrase is skipped, as ssh does.
     * Unencrypted keys are cached per {@link FileVersion} (parsing one costs more CPU than
     * the rest of a fan-out session's client side); an encrypted key is decrypted on every connect, so a
     * wrong passphrase is never hidden by an earlier right one.
     */
    static List<KeyPair> loadKey(Path file, String passphrase, boolean explicit) throws IOException {
        FileVersion version;
        try {
            version = FileVersion.of(file);
        } catch (IOException e) {
            version = null;
        }
        if (version == null) {
            if (explicit) {
                throw new IOException("client key file " + file + " does not exist");
            }
            return List.of();
        }
        synchronized (KEY_CACHE) {
            List<KeyPair> cached = KEY_CACHE.get(version);
            if (cached != null) {
                return cached;
            }
        }
        boolean[] asked = {false};
        FilePasswordProvider pw = (session, resource, retry) -> {
            asked[0] = true;
            return passphrase;
        };
        List<KeyPair> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, pw);
            if (loaded != null) {
                loaded.forEach(out::add);
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            if (!explicit) {
                return List.of();
            }
            String why = passphrase == null ? "it may be encrypted: set SSHOptions.passphrase"
                    : "wrong passphrase or unsupported format";
            throw new IOException("cannot load client key " + file + " (" + why + ")", e);
        }
        if (out.isEmpty() && explicit) {
            throw new IOException("client key file " + file + " holds no private key");
        }
        List<KeyPair> result = List.copyOf(out);
        if (!asked[0] && !result.isEmpty()) {
            synchronized (KEY_CACHE) {
                KEY_CACHE.put(version, result);
            }
        }
        return result;
    }

    /** Parsed unencrypted keys, least recently used dropped beyond 32 files. */
    private static final Map<FileVersion, List<KeyPair>> KEY_CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FileVersion, List<KeyPair>> eldest) {
            return size() > 32;
        }
    };

    /**
     * Connect + auth once fewer than {@code maxStartups} handshakes to the destination are in flight. A
     * connection the server closes before identifying itself (sshd dropping it past its MaxStartups,
     * which our pacing cannot always foresee: the server counts a connection as starting up a little
     * after our side has finished logging in) is tried again, after a growing randomized pause.
     */
    private static SSHClientConnection open(Plan plan, java.net.InetSocketAddress address, List<AutoCloseable> owned)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (HandshakeGate.Permit slot = HandshakeGate.enter(plan.hostName() + ":" + plan.port(), plan.maxStartups())) {
                return handshake(plan, address, owned);
            } catch (DroppedBeforeIdentification e) {
                if (attempt == DROP_ATTEMPTS) {
                    throw new ConnectionLost(e.getMessage() + " (" + attempt + " attempts); the server may be"
                            + " refusing new connections (sshd's MaxStartups), lower SSHOptions.maxStartups", null);
                }
            }
            long pauseMillis = 20L << Math.min(attempt, 5);
            Asyncio.sleep(Duration.ofMillis(pauseMillis / 2 + ThreadLocalRandom.current().nextLong(pauseMillis)));
        }
    }

    private static final int DROP_ATTEMPTS = 8;

    /** The server closed the connection before it sent its identification string. */
    private static final class DroppedBeforeIdentification extends IOException {
        private static final long serialVersionUID = 1L;

        DroppedBeforeIdentification(String where) {
            super(where + ": the server closed the connection before identifying itself");
        }
    }

    /** Non-blocking part: MINA connect + auth, awaited from the current task. */
    private static SSHClientConnection handshake(Plan plan, java.net.InetSocketAddress address,
            List<AutoCloseable> owned) throws IOException {
        String where = plan.user() + "@" + plan.hostName() + ":" + plan.port();
        ConnectFuture cf = MinaClient.get().connect(plan.user(), address, MinaClient.contextOf(new MinaClient.Context(
                plan.verifier(), plan.agentSocket(), plan.knownKeyTypes(), plan.keepalive(), plan.keepaliveMax())), null);
        try {
            MinaFutures.await(cf, plan.connectTimeout());
        } catch (TimeoutError e) {
            throw new SocketTimeoutException("connect to " + plan.hostName() + ":" + plan.port() + " timed out after "
                    + seconds(plan.connectTimeout()));
        }
        if (!cf.isConnected()) {
            if (closedBeforeSession(cf.getException())) {
                throw new DroppedBeforeIdentification(where);
            }
            throw networkError(cf.getException(), plan);
        }
        ClientSession session = cf.getSession();
        boolean ok = false;
        try {
            configure(session, plan);
            AuthFuture af;
            try {
                af = session.auth();
            } catch (IOException e) {
                if (session.getServerVersion() == null) {
                    throw new DroppedBeforeIdentification(where);
                }
                throw loginFailure(e, plan, where);
            }
            try {
                MinaFutures.await(af, plan.loginTimeout());
            } catch (TimeoutError e) {
                HostKeyNotVerifiable refused = plan.verifier().refusal();
                if (refused != null) {
                    throw refused;
                }
                throw new SocketTimeoutException("login to " + where + " timed out after " + seconds(plan.loginTimeout()));
            }
            if (!af.isSuccess()) {
                if (session.getServerVersion() == null) {
                    throw new DroppedBeforeIdentification(where);
                }
                throw loginFailure(af.getException(), plan, where);
            }
            ok = true;
            SessionLoss loss = new SessionLoss(plan.host(), plan.hostName() + ":" + plan.port(), plan.keepalive(),
                    plan.keepaliveMax());
            return new DefaultSSHClientConnection(session, plan.host(), plan.user(),
                    ServerCompat.sessionCap(session.getServerVersion(), plan.maxSessions()), loss, owned);
        } finally {
            if (!ok) {
                session.close(true);
            }
        }
    }

    private static void configure(ClientSession session, Plan plan) {
        session.setKeyIdentityProvider(plan.keys().isEmpty() ? KeyIdentityProvider.EMPTY_KEYS_PROVIDER
                : KeyIdentityProvider.wrapKeyPairs(plan.keys()));
        session.setAttribute(UserAuthPublicKey.USE_DEFAULT_IDENTITIES, plan.agentSocket() != null);
        if (plan.password() != null) {
            session.addPasswordIdentity(plan.password());
            session.setUserInteraction(new PasswordPrompts(plan.password()));
        }
    }

    /** Whether TCP connected but the server closed the connection before MINA could start a session on it. */
    private static boolean closedBeforeSession(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MissingAttachedSessionException) {
                return true;
            }
        }
        return false;
    }

    /** Finds the JDK's network exception under MINA's wrappers; a refusal names the address it tried. */
    private static IOException networkError(Throwable error, Plan plan) {
        String address = plan.hostName() + ":" + plan.port();
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException ce) {
                java.net.ConnectException named = new java.net.ConnectException(address + ": " + ce.getMessage());
                named.initCause(ce);
                return named;
            }
            if (t instanceof IOException io && !(t instanceof SshException)) {
                return io;
            }
        }
        return new SSHException("cannot connect to " + address + ": "
                + (error == null ? "unknown error" : error.getMessage()), error);
    }

    private static IOException loginFailure(Throwable error, Plan plan, String where) {
        HostKeyNotVerifiable refused = plan.verifier().refusal();
        if (refused != null) {
            return refused;
        }
        if (error instanceof SshException se && se.getDisconnectCode() > 0
                && se.getDisconnectCode() != DisconnectError.NO_MORE_AUTH_METHODS_AVAILABLE) {
            return new DisconnectError(se.getDisconnectCode(), where + ": " + se.getMessage(), se);
        }
        List<String> offered = new ArrayList<>();
        if (!plan.keys().isEmpty()) {
            offered.add("publickey: " + plan.keySummary());
        }
        if (plan.agentSocket() != null) {
            offered.add("agent at " + plan.agentSocket());
        }
        if (plan.password() != null) {
            offered.add("password / keyboard-interactive");
        }
        if (offered.isEmpty()) {
            offered.add("nothing: no keys found, no agent, no password");
        }
        return new PermissionDenied(where + ": permission denied (offered " + String.join("; ", offered) + ")", error);
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Keyboard-interactive: answers hidden prompts that ask for a password with the password. */
    private record PasswordPrompts(String password) implements UserInteraction {
        @Override
        public String[] interactive(ClientSession session, String name, String instruction, String lang,
                String[] prompt, boolean[] echo) {
            String[] answers = new String[prompt.length];
            for (int i = 0; i < prompt.length; i++) {
                if (echo[i] || !prompt[i].toLowerCase(Locale.ROOT).contains("password")) {
                    return null;
                }
                answers[i] = password;
            }
            return answers;
        }

        @Override
        public String getUpdatedPassword(ClientSession session, String prompt, String lang) {
            return null;
        }

        @Override
        public String toString() {
            return "PasswordPrompts[***]";
        }
    }
}
