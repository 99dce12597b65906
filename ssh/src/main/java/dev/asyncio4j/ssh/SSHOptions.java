package dev.asyncio4j.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to connect and log in: asyncssh's {@code connect()} keyword arguments as one immutable value.
 * Every setter returns a modified copy; unset values come from {@code ~/.ssh/config} for the host, then
 * from OpenSSH's defaults.
 *
 * <pre>{@code
 * SSHOptions options = SSHOptions.defaults()
 *         .username("deploy")
 *         .clientKeys(Path.of("/home/me/.ssh/id_ed25519"))
 *         .connectTimeout(Duration.ofSeconds(10));
 * try (SSHClientConnection conn = SSH.connect("web1", options)) { … }
 * }</pre>
 *
 * <p>Authentication tries, in MINA's order, public keys (the agent's, then {@link #clientKeys} or the
 * config's {@code IdentityFile}s, else the default {@code ~/.ssh/id_*} files), keyboard-interactive
 * (answering password prompts with {@link #password}) and password. Host keys are checked against
 * known_hosts by default ({@link HostKeyPolicy#STRICT}).
 *
 * <p>{@link #toString()} never shows the password or passphrase. Immutable and thread-safe.
 */
public final class SSHOptions {
    private static final SSHOptions DEFAULTS = new SSHOptions();

    private Integer port;
    private String username;
    private String password;
    private List<Path> clientKeys;
    private String passphrase;
    private Path agentSocket;
    private boolean agent = true;
    private Path configFile;
    private boolean useConfig = true;
    private Path knownHosts;
    private HostKeyPolicy hostKeyPolicy;
    private Duration connectTimeout;
    private Duration loginTimeout = Duration.ofMinutes(2);
    private Duration keepaliveInterval;
    private int keepaliveCountMax = 3;
    private String proxyJump;
    private int maxSessions = 10;
    private int maxStartups = 8;

    private SSHOptions() {
    }

    private SSHOptions copy() {
        SSHOptions c = new SSHOptions();
        c.port = port;
        c.username = username;
        c.password = password;
        c.clientKeys = clientKeys;
        c.passphrase = passphrase;
        c.agentSocket = agentSocket;
        c.agent = agent;
        c.configFile = configFile;
        c.useConfig = useConfig;
        c.knownHosts = knownHosts;
        c.hostKeyPolicy = hostKeyPolicy;
        c.connectTimeout = connectTimeout;
        c.loginTimeout = loginTimeout;
        c.keepaliveInterval = keepaliveInterval;
        c.keepaliveCountMax = keepaliveCountMax;
        c.proxyJump = proxyJump;
        c.maxSessions = maxSessions;
        c.maxStartups = maxStartups;
        return c;
    }

    /**
     * Returns the options with nothing set: everything from the config file and OpenSSH's defaults.
     *
     * @return the default options
     */
    public static SSHOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Sets the port (default: the config's {@code Port}, else 22).
     *
     * @param port 1..65535
     * @return a modified copy
     * @throws IllegalArgumentException if out of range
     */
    public SSHOptions port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        SSHOptions c = copy();
        c.port = port;
        return c;
    }

    /**
     * Sets the user to log in as (default: the config's {@code User}, else the local user).
     *
     * @param username the remote user
     * @return a modified copy
     */
    public SSHOptions username(String username) {
        SSHOptions c = copy();
        c.username = requireText(username, "username");
        return c;
    }

    /**
     * Sets the password for password and keyboard-interactive authentication.
     *
     * @param password the password (never shown by {@link #toString()} or in any error)
     * @return a modified copy
     */
    public SSHOptions password(String password) {
        SSHOptions c = copy();
        c.password = Objects.requireNonNull(password, "password");
        return c;
    }

    /**
     * Sets the private key files to offer (OpenSSH or PEM format; ed25519, ecdsa, rsa), replacing the
     * config's {@code IdentityFile}s and the default {@code ~/.ssh/id_*} files.
     *
     * @param keys the key files; an empty list offers no key files at all
     * @return a modified copy
     */
    public SSHOptions clientKeys(List<Path> keys) {
        SSHOptions c = copy();
        c.clientKeys = List.copyOf(keys);
        return c;
    }

    /**
     * Sets the private key files to offer; see {@link #clientKeys(List)}.
     *
     * @param first the first key file
     * @param more  further key files
     * @return a modified copy
     */
    public SSHOptions clientKeys(Path first, Path... more) {
        List<Path> keys = new java.util.ArrayList<>();
        keys.add(Objects.requireNonNull(first, "first"));
        keys.addAll(List.of(more));
        return clientKeys(keys);
    }

    /**
     * Sets the passphrase that decrypts encrypted client keys.
     *
     * @param passphrase the passphrase (never shown)
     * @return a modified copy
     */
    public SSHOptions passphrase(String passphrase) {
        SSHOptions c = copy();
        c.passphrase = Objects.requireNonNull(passphrase, "passphrase");
        return c;
    }

    /**
     * Uses the ssh-agent at this socket (default: {@code $SSH_AUTH_SOCK} when set).
     *
     * @param socket the agent's Unix-domain socket
     * @return a modified copy
     */
    public SSHOptions agentSocket(Path socket) {
        SSHOptions c = copy();
        c.agentSocket = Objects.requireNonNull(socket, "socket");
        c.agent = true;
        return c;
    }

    /**
     * Turns ssh-agent use off (or back on).
     *
     * @param enabled whether to ask an agent for keys
     * @return a modified copy
     */
    public SSHOptions agent(boolean enabled) {
        SSHOptions c = copy();
        c.agent = enabled;
        return c;
    }

    /**
     * Reads this OpenSSH client config file instead of {@code ~/.ssh/config}.
     *
     * @param file the config file
     * @return a modified copy
     */
    public SSHOptions configFile(Path file) {
        SSHOptions c = copy();
        c.configFile = Objects.requireNonNull(file, "file");
        c.useConfig = true;
        return c;
    }

    /**
     * Ignores every OpenSSH client config file (asyncssh's {@code config=None}).
     *
     * @return a modified copy
     */
    public SSHOptions noConfig() {
        SSHOptions c = copy();
        c.useConfig = false;
        return c;
    }

    /**
     * Uses this known_hosts file instead of the config's {@code UserKnownHostsFile} or
     * {@code ~/.ssh/known_hosts}; {@link HostKeyPolicy#ACCEPT_NEW} appends to it.
     *
     * @param file the known_hosts file
     * @return a modified copy
     */
    public SSHOptions knownHosts(Path file) {
        SSHOptions c = copy();
        c.knownHosts = Objects.requireNonNull(file, "file");
        return c;
    }

    /**
     * Sets what to do with unknown host keys (default: the config's {@code StrictHostKeyChecking},
     * else {@link HostKeyPolicy#STRICT}).
     *
     * @param policy the policy
     * @return a modified copy
     */
    public SSHOptions hostKeyPolicy(HostKeyPolicy policy) {
        SSHOptions c = copy();
        c.hostKeyPolicy = Objects.requireNonNull(policy, "policy");
        return c;
    }

    /**
     * Limits the TCP connect (default: the config's {@code ConnectTimeout}, else the OS's).
     *
     * @param timeout a positive duration
     * @return a modified copy
     */
    public SSHOptions connectTimeout(Duration timeout) {
        SSHOptions c = copy();
        c.connectTimeout = requirePositive(timeout, "connectTimeout");
        return c;
    }

    /**
     * Limits key exchange plus authentication (default two minutes, as asyncssh).
     *
     * @param timeout a positive duration
     * @return a modified copy
     */
    public SSHOptions loginTimeout(Duration timeout) {
        SSHOptions c = copy();
        c.loginTimeout = requirePositive(timeout, "loginTimeout");
        return c;
    }

    /**
     * Detects a dead network or server: sends a keepalive request every {@code interval}, and when
     * {@code countMax} in a row have gone unanswered, closes the connection at the next one, about
     * {@code interval * (countMax + 1)} after the server went silent. Everything pending on the
     * connection then fails with {@link ConnectionLost}, whose message names the unanswered keepalives.
     * OpenSSH's {@code ServerAliveInterval} / {@code ServerAliveCountMax}, asyncssh's
     * {@code keepalive_interval} / {@code keepalive_count_max}. Default: the config's
     * {@code ServerAliveInterval} and {@code ServerAliveCountMax}, else none; without keepalive an idle
     * connection stays up however long it is idle, and one whose server vanished without closing TCP
     * waits forever.
     *
     * @param interval a positive duration
     * @param countMax unanswered requests tolerated, at least 1
     * @return a modified copy
     * @throws IllegalArgumentException if {@code interval} is not positive or {@code countMax} is below 1
     */
    public SSHOptions keepalive(Duration interval, int countMax) {
        if (countMax < 1) {
            throw new IllegalArgumentException("keepalive countMax must be at least 1, got " + countMax);
        }
        SSHOptions c = copy();
        c.keepaliveInterval = requirePositive(interval, "keepalive interval");
        c.keepaliveCountMax = countMax;
        return c;
    }

    /**
     * Reaches the host through jump hosts, as OpenSSH's {@code ProxyJump} (which the config may also
     * set): {@code [user@]host[:port]}, comma-separated for a chain. Each hop is authenticated with these
     * options' keys, agent, password and known_hosts; its user and port come from the spec or its own
     * config entry.
     *
     * @param jumps e.g. {@code "admin@bastion:2222"}, or {@code "none"} to ignore the config's
     * @return a modified copy
     */
    public SSHOptions proxyJump(String jumps) {
        SSHOptions c = copy();
        c.proxyJump = requireText(jumps, "jumps");
        return c;
    }

    /**
     * Caps the channels (running commands) open at once on one connection; further ones wait, in
     * order, for a free slot instead of being refused. OpenSSH's sshd refuses channels beyond its
     * {@code MaxSessions} (default 10, this default too); Dropbear's limit is 1000 channels of any kind.
     * A refusal while other channels of the connection are open (or just closed) is taken for the
     * server's own limit and waited out, so a cap above the server's still works; any other refusal is
     * a {@link ChannelOpenError}. Against Dropbear 2022.82 to 2024.85 the cap is 1 whatever is asked: those versions lose (or die
     * on) a channel opened while another command of the connection exits.
     *
     * @param max at least 1
     * @return a modified copy
     */
    public SSHOptions maxSessions(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + max);
        }
        SSHOptions c = copy();
        c.maxSessions = max;
        return c;
    }

    /**
     * Caps the handshakes (TCP connect through authentication) in flight at once to one
     * {@code host:port}, across the whole JVM; further connections wait, in order, for a free slot.
     * OpenSSH's sshd drops unauthenticated connections beyond its {@code MaxStartups} (default
     * {@code 10:30:100}), so a burst of hundreds of connections to one server would otherwise see
     * random failures. Default 8. A connection the server still closes before identifying itself is
     * tried again, up to 8 times with growing randomized pauses, then reported as {@link ConnectionLost}.
     *
     * @param max at least 1
     * @return a modified copy
     */
    public SSHOptions maxStartups(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxStartups must be at least 1, got " + max);
        }
        SSHOptions c = copy();
        c.maxStartups = max;
        return c;
    }

    /** @return the per-destination cap on handshakes in flight */
    public int maxStartups() {
        return maxStartups;
    }

    /** @return the per-connection channel cap */
    public int maxSessions() {
        return maxSessions;
    }

    /** @return the jump hosts, or {@code null} for the config's */
    public String proxyJump() {
        return proxyJump;
    }

    /** @return the port, or {@code null} if unset */
    public Integer port() {
        return port;
    }

    /** @return the user name, or {@code null} if unset */
    public String username() {
        return username;
    }

    /** @return the password, or {@code null} if unset */
    public String password() {
        return password;
    }

    /** @return the client key files, or {@code null} if unset */
    public List<Path> clientKeys() {
        return clientKeys;
    }

    /** @return the key passphrase, or {@code null} if unset */
    public String passphrase() {
        return passphrase;
    }

    /** @return whether an ssh-agent may be used */
    public boolean agent() {
        return agent;
    }

    /** @return the agent socket, or {@code null} for {@code $SSH_AUTH_SOCK} */
    public Path agentSocket() {
        return agentSocket;
    }

    /** @return whether an OpenSSH config file is read */
    public boolean useConfig() {
        return useConfig;
    }

    /** @return the config file, or {@code null} for {@code ~/.ssh/config} */
    public Path configFile() {
        return configFile;
    }

    /** @return the known_hosts file, or {@code null} for the config's or {@code ~/.ssh/known_hosts} */
    public Path knownHosts() {
        return knownHosts;
    }

    /** @return the host key policy, or {@code null} for the config's or {@link HostKeyPolicy#STRICT} */
    public HostKeyPolicy hostKeyPolicy() {
        return hostKeyPolicy;
    }

    /** @return the connect timeout, or {@code null} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the login timeout */
    public Duration loginTimeout() {
        return loginTimeout;
    }

    /** @return the keepalive interval, or {@code null} for the config's (else none) */
    public Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    /** @return unanswered keepalives tolerated */
    public int keepaliveCountMax() {
        return keepaliveCountMax;
    }

    private static String requireText(String s, String what) {
        if (Objects.requireNonNull(s, what).isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }

    private static Duration requirePositive(Duration d, String what) {
        if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "SSHOptions[port=" + port + ", username=" + username + ", password=" + (password == null ? "unset" : "***")
                + ", clientKeys=" + clientKeys + ", passphrase=" + (passphrase == null ? "unset" : "***")
                + ", agent=" + (agent ? (agentSocket == null ? "$SSH_AUTH_SOCK" : agentSocket) : "off")
                + ", config=" + (useConfig ? (configFile == null ? "~/.ssh/config" : configFile) : "none")
                + ", knownHosts=" + knownHosts + ", hostKeyPolicy=" + hostKeyPolicy + ", connectTimeout=" + connectTimeout
                + ", loginTimeout=" + loginTimeout + ", keepalive=" + keepaliveInterval + "x" + keepaliveCountMax
                + ", proxyJump=" + proxyJump + ", maxSessions=" + maxSessions + ", maxStartups=" + maxStartups + "]";
    }
}
