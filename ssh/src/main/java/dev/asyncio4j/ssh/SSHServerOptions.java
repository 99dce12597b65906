package dev.asyncio4j.ssh;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link SSHServer} listens, identifies itself, authenticates clients and runs commands, as
 * one immutable value; every setter returns a modified copy.
 *
 * <pre>{@code
 * SSHServerOptions options = SSHServerOptions.defaults()
 *         .authorizedKeys(Path.of("/home/me/.ssh/id_ed25519.pub"))
 *         .handler(p -> p.stdout().write(p.command().getBytes(UTF_8)));
 * }</pre>
 *
 * <p>Defaults: loopback ({@code 127.0.0.1}), a free port, a host key generated for this server,
 * commands run by {@code /bin/sh -c} as the JVM's user. At least one of {@link #authorizedKeys} and
 * {@link #password} must be set. Passwords are compared in constant time and never shown by
 * {@link #toString()}.
 */
public final class SSHServerOptions {
    private static final SSHServerOptions DEFAULTS = new SSHServerOptions();

    private String host = "127.0.0.1";
    private int port;
    private Path hostKey;
    private Path authorizedKeys;
    private String username;
    private String password;
    private SSHServerHandler handler;

    private SSHServerOptions() {
    }

    private SSHServerOptions copy() {
        SSHServerOptions c = new SSHServerOptions();
        c.host = host;
        c.port = port;
        c.hostKey = hostKey;
        c.authorizedKeys = authorizedKeys;
        c.username = username;
        c.password = password;
        c.handler = handler;
        return c;
    }

    /**
     * Returns the defaults: loopback, any free port, a generated host key, the local shell, no
     * authentication method yet.
     *
     * @return the default options
     */
    public static SSHServerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Sets the address to listen on.
     *
     * @param host an address or name; {@code 127.0.0.1} by default
     * @return a copy with it
     */
    public SSHServerOptions host(String host) {
        Objects.requireNonNull(host, "host");
        SSHServerOptions c = copy();
        c.host = host;
        return c;
    }

    /**
     * Sets the port to listen on.
     *
     * @param port 0 (any free port, the default) to 65535
     * @return a copy with it
     * @throws IllegalArgumentException if out of range
     */
    public SSHServerOptions port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        SSHServerOptions c = copy();
        c.port = port;
        return c;
    }

    /**
     * Loads the host key from a private key file (OpenSSH or PEM, unencrypted) instead of generating one.
     *
     * @param file the key file
     * @return a copy with it
     */
    public SSHServerOptions hostKey(Path file) {
        Objects.requireNonNull(file, "file");
        SSHServerOptions c = copy();
        c.hostKey = file;
        return c;
    }

    /**
     * Accepts the public keys listed in an authorized_keys file (one {@code .pub} file works too), for
     * any user name.
     *
     * @param file the file, read when the server starts
     * @return a copy with it
     */
    public SSHServerOptions authorizedKeys(Path file) {
        Objects.requireNonNull(file, "file");
        SSHServerOptions c = copy();
        c.authorizedKeys = file;
        return c;
    }

    /**
     * Accepts password authentication for one user.
     *
     * @param username the user name
     * @param password the password
     * @return a copy with it
     */
    public SSHServerOptions password(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        SSHServerOptions c = copy();
        c.username = username;
        c.password = password;
        return c;
    }

    /**
     * Runs exec requests with Java code instead of {@code /bin/sh -c}.
     *
     * @param handler the handler, or {@code null} for the local shell
     * @return a copy with it
     */
    public SSHServerOptions handler(SSHServerHandler handler) {
        SSHServerOptions c = copy();
        c.handler = handler;
        return c;
    }

    /** @return the listen address */
    public String host() {
        return host;
    }

    /** @return the listen port, 0 for any */
    public int port() {
        return port;
    }

    /** @return the host key file, or {@code null} to generate one */
    public Path hostKey() {
        return hostKey;
    }

    /** @return the authorized_keys file, or {@code null} */
    public Path authorizedKeys() {
        return authorizedKeys;
    }

    /** @return the user allowed to log in with a password, or {@code null} */
    public String username() {
        return username;
    }

    /** @return the password, or {@code null} */
    public String password() {
        return password;
    }

    /** @return the handler, or {@code null} for the local shell */
    public SSHServerHandler handler() {
        return handler;
    }

    @Override
    public String toString() {
        return "SSHServerOptions[" + host + ":" + port + ", hostKey=" + (hostKey == null ? "generated" : hostKey)
                + ", authorizedKeys=" + authorizedKeys + ", password=" + (password == null ? "no" : "for " + username)
                + ", " + (handler == null ? "/bin/sh -c" : "handler") + "]";
    }
}
