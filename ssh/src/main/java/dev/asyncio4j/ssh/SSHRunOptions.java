package dev.asyncio4j.ssh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link SSHClientConnection#run(String, SSHRunOptions)} runs a command: asyncssh's {@code run()}
 * keyword arguments ({@code input}, {@code check}, {@code timeout}, {@code env}, {@code term_type}) as
 * one immutable value; every setter returns a modified copy.
 *
 * <pre>{@code
 * conn.run("sort", SSHRunOptions.defaults().input("b\na\n").check(true).timeout(Duration.ofSeconds(30)));
 * }</pre>
 */
public final class SSHRunOptions {
    private static final SSHRunOptions DEFAULTS = new SSHRunOptions(null, false, null, Map.of(), false, null);

    private final byte[] input;
    private final boolean check;
    private final Duration timeout;
    private final Map<String, String> env;
    private final boolean pty;
    private final String sudoPassword;

    private SSHRunOptions(byte[] input, boolean check, Duration timeout, Map<String, String> env, boolean pty,
            String sudoPassword) {
        this.input = input;
        this.check = check;
        this.timeout = timeout;
        this.env = env;
        this.pty = pty;
        this.sudoPassword = sudoPassword;
    }

    /**
     * Returns the defaults: no input (stdin closed at once), no check, no timeout, no env, no pty.
     *
     * @return the defaults
     */
    public static SSHRunOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Feeds these bytes to the command's stdin, then end-of-file.
     *
     * @param input the bytes
     * @return a modified copy
     */
    public SSHRunOptions input(byte[] input) {
        return new SSHRunOptions(input.clone(), check, timeout, env, pty, sudoPassword);
    }

    /**
     * Feeds this text, UTF-8 encoded, to the command's stdin, then end-of-file.
     *
     * @param input the text
     * @return a modified copy
     */
    public SSHRunOptions input(String input) {
        return new SSHRunOptions(input.getBytes(StandardCharsets.UTF_8), check, timeout, env, pty, sudoPassword);
    }

    /**
     * Makes a non-zero exit status (or a signal) a {@link ProcessError}.
     *
     * @param check whether to check
     * @return a modified copy
     */
    public SSHRunOptions check(boolean check) {
        return new SSHRunOptions(input, check, timeout, env, pty, sudoPassword);
    }

    /**
     * Limits the whole run; at the deadline the channel is closed and {@code run} throws
     * {@link dev.asyncio4j.TimeoutError}.
     *
     * @param timeout a positive duration
     * @return a modified copy
     */
    public SSHRunOptions timeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new SSHRunOptions(input, check, timeout, env, pty, sudoPassword);
    }

    /**
     * Adds an environment variable request (the server accepts only names its {@code AcceptEnv} allows).
     *
     * @param name  the variable
     * @param value its value
     * @return a modified copy
     */
    public SSHRunOptions env(String name, String value) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new SSHRunOptions(input, check, timeout, Map.copyOf(e), pty, sudoPassword);
    }

    /**
     * Requests a pseudo-terminal: stdout and stderr then arrive merged on stdout with CRLF line ends,
     * input is echoed, and the end of the input is not an end of file for the command (as with
     * {@code ssh -t}: a command reading stdin to its end, such as {@code cat}, does not finish).
     *
     * @param pty whether to request one
     * @return a modified copy
     */
    public SSHRunOptions pty(boolean pty) {
        return new SSHRunOptions(input, check, timeout, env, pty, sudoPassword);
    }

    /**
     * Runs the command as root through {@code sudo -S -p ''}: the whole command line runs in
     * {@code sh -c} under sudo, and the password is the first line of stdin (before any
     * {@link #input}), never in the command line, a log, an exception or {@link #toString()}. A
     * rejected password makes {@code run} throw {@link PermissionDenied} (after sudo's own ~2 s delay).
     * Sudo reads further stdin lines as new attempts after a wrong password, so with {@link #input}
     * those lines are consumed by sudo, not by the command.
     *
     * @param password the remote user's sudo password (no line break)
     * @return a modified copy
     * @throws IllegalArgumentException if the password contains a line break
     */
    public SSHRunOptions sudo(String password) {
        if (Objects.requireNonNull(password, "password").indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a sudo password cannot contain a line break");
        }
        return new SSHRunOptions(input, check, timeout, env, pty, password);
    }

    /** @return the sudo password, or {@code null} when not running through sudo */
    public String sudoPassword() {
        return sudoPassword;
    }

    /** @return a copy of the stdin bytes, or {@code null} for none */
    public byte[] input() {
        return input == null ? null : input.clone();
    }

    /** @return whether a failure status is a {@link ProcessError} */
    public boolean check() {
        return check;
    }

    /** @return the timeout, or {@code null} */
    public Duration timeout() {
        return timeout;
    }

    /** @return the environment requests */
    public Map<String, String> env() {
        return env;
    }

    /** @return whether a pty is requested */
    public boolean pty() {
        return pty;
    }

    @Override
    public String toString() {
        return "SSHRunOptions[input=" + (input == null ? "none" : input.length + " bytes") + ", check=" + check
                + ", timeout=" + timeout + ", env=" + env.keySet() + ", pty=" + pty
                + ", sudo=" + (sudoPassword == null ? "no" : "***") + "]";
    }
}
