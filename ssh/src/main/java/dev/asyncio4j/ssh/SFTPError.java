package dev.asyncio4j.ssh;

/**
 * An SFTP request failed on the server: carries the SFTP status code and the remote path.
 *
 * <p>Every remote failure of {@link SFTPClient} is reported as this one type (not as the JDK's
 * {@link java.nio.file.NoSuchFileException} family), so a caller can branch on {@link #code()}:
 * <pre>{@code
 * try {
 *     sftp.remove("old.log");
 * } catch (SFTPError e) {
 *     if (e.code() != SFTPError.NO_SUCH_FILE) throw e;
 * }
 * }</pre>
 * Failures of the local file system during a transfer are the JDK's own {@link java.io.IOException}s.
 */
public final class SFTPError extends SSHException {
    private static final long serialVersionUID = 1L;

    /** SFTP status: end of file or directory. */
    public static final int EOF = 1;
    /** SFTP status: the path does not exist. */
    public static final int NO_SUCH_FILE = 2;
    /** SFTP status: the server's user may not do this. */
    public static final int PERMISSION_DENIED = 3;
    /** SFTP status: a generic failure (for example: the directory is not empty, or already exists). */
    public static final int FAILURE = 4;
    /** SFTP status: the operation is not supported by the server. */
    public static final int OP_UNSUPPORTED = 8;

    private final int code;
    private final String path;

    /**
     * Creates an SFTP failure.
     *
     * @param code    the SFTP status code, e.g. {@link #NO_SUCH_FILE}
     * @param path    the remote path the request was about
     * @param message what went wrong, for people (should name the path)
     * @param cause   the underlying failure, or {@code null}
     */
    public SFTPError(int code, String path, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.path = path;
    }

    /**
     * Returns the SFTP status code (draft-ietf-secsh-filexfer-02, section 7).
     *
     * @return the code, e.g. {@link #NO_SUCH_FILE}
     */
    public int code() {
        return code;
    }

    /**
     * Returns the remote path the failed request was about.
     *
     * @return the path as given by the caller
     */
    public String path() {
        return path;
    }
}
