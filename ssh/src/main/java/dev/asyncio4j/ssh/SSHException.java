package dev.asyncio4j.ssh;

import java.io.IOException;

/**
 * The base of every SSH-level failure: asyncssh's {@code asyncssh.Error}.
 *
 * <p>It is an {@link IOException}, so one {@code catch (IOException e)} around a connection covers both
 * the SSH errors and the JDK's network errors (refused, unreachable, timed out), which are reported as
 * the JDK's own types. That is the Java form of the seed program's {@code except (OSError, asyncssh.Error)}:
 * <pre>{@code
 * try (SSHClientConnection conn = SSH.connect("host", options)) {
 *     System.out.print(conn.run("uname -a").stdout());
 * } catch (IOException e) {
 *     System.exit(fail("SSH connection failed: " + e.getMessage()));
 * }
 * }</pre>
 *
 * <p>No message of this hierarchy ever contains a password, passphrase or private key.
 */
public class SSHException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an SSH failure.
     *
     * @param message what went wrong, for people
     * @param cause   the underlying failure, or {@code null}
     */
    public SSHException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates an SSH failure without a cause.
     *
     * @param message what went wrong, for people
     */
    public SSHException(String message) {
        super(message);
    }
}
