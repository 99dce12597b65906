package dev.asyncio4j.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An SFTP session on an SSH connection: asyncssh's {@code SFTPClient}. Made by
 * {@link SSHClientConnection#startSftpClient}; it uses one of the connection's channels until closed.
 *
 * <pre>{@code
 * try (SFTPClient sftp = conn.startSftpClient()) {
 *     sftp.makedirs("backup/2026");
 *     sftp.put(Path.of("db.dump"), "backup/2026/db.dump", SFTPCopyOptions.defaults().preserve(true));
 *     for (String name : sftp.listdir("backup/2026")) {
 *         System.out.println(name + " " + sftp.stat("backup/2026/" + name).size());
 *     }
 * }
 * }</pre>
 *
 * <p>Remote paths are strings in the server's syntax ({@code /}-separated); relative ones are relative to
 * the login directory. Every remote failure is an {@link SFTPError} carrying the SFTP status code and the
 * path; local failures are the JDK's {@link IOException}s.
 *
 * <p>Loop-confined: call it from tasks of the loop that made it. Each method suspends only the calling
 * task. MINA's SFTP client is blocking, so every request runs on the loop's default executor (as
 * {@link dev.asyncio4j.Asyncio#toThread} does), never on the loop thread.
 *
 * <p>Cancelling a task in {@link #get} stops the copy and waits for it to clean up before the
 * {@link dev.asyncio4j.CancelledError} propagates: a file being downloaded is written under a temporary
 * name next to its destination and renamed into place only when complete, so no partial file remains.
 * A cancelled or failed {@link #put} removes the partly written remote file.
 */
public interface SFTPClient extends AutoCloseable {

    /**
     * Downloads one remote file to {@code localPath}, replacing it if it exists.
     *
     * @param remotePath the remote file
     * @param localPath  the local destination (the file itself, not its directory)
     * @throws SFTPError   if the remote file cannot be read (e.g. {@link SFTPError#NO_SUCH_FILE}), or is a directory
     * @throws IOException if the local file cannot be written
     */
    default void get(String remotePath, Path localPath) throws IOException {
        get(remotePath, localPath, SFTPCopyOptions.defaults());
    }

    /**
     * Downloads a remote file, or with {@link SFTPCopyOptions#recursive} a directory tree, to {@code localPath}.
     *
     * @param remotePath the remote file or directory
     * @param localPath  the local destination (created for a directory, with missing parents)
     * @param options    recursion, preserving and progress
     * @throws SFTPError   if a remote file cannot be read, or the source is a directory and not recursive
     * @throws IOException if a local file cannot be written
     */
    void get(String remotePath, Path localPath, SFTPCopyOptions options) throws IOException;

    /**
     * Uploads one local file to {@code remotePath}, replacing it if it exists.
     *
     * @param localPath  the local file
     * @param remotePath the remote destination (the file itself, not its directory)
     * @throws SFTPError   if the remote file cannot be written
     * @throws IOException if the local file cannot be read
     */
    default void put(Path localPath, String remotePath) throws IOException {
        put(localPath, remotePath, SFTPCopyOptions.defaults());
    }

    /**
     * Uploads a local file, or with {@link SFTPCopyOptions#recursive} a directory tree, to {@code remotePath}.
     *
     * @param localPath  the local file or directory
     * @param remotePath the remote destination (a directory is created if missing; its parent must exist)
     * @param options    recursion, preserving and progress
     * @throws SFTPError   if a remote file or directory cannot be written
     * @throws IOException if a local file cannot be read, or the source is a directory and not recursive
     */
    void put(Path localPath, String remotePath, SFTPCopyOptions options) throws IOException;

    /**
     * Lists the names in a remote directory, without {@code .} and {@code ..}, sorted.
     *
     * @param path the directory
     * @return the entry names
     * @throws SFTPError if it does not exist or is not a readable directory
     */
    List<String> listdir(String path) throws IOException;

    /**
     * Returns the attributes of a remote path, following symbolic links.
     *
     * @param path the path
     * @return its attributes
     * @throws SFTPError if it does not exist ({@link SFTPError#NO_SUCH_FILE})
     */
    SFTPAttrs stat(String path) throws IOException;

    /**
     * Returns the attributes of a remote path without following a final symbolic link.
     *
     * @param path the path
     * @return its attributes
     * @throws SFTPError if it does not exist
     */
    SFTPAttrs lstat(String path) throws IOException;

    /**
     * Tells whether a remote path exists (following symbolic links).
     *
     * @param path the path
     * @return {@code false} if the server says there is no such file
     * @throws SFTPError for any other failure, e.g. permission denied
     */
    boolean exists(String path) throws IOException;

    /**
     * Creates one remote directory.
     *
     * @param path the directory; its parent must exist
     * @throws SFTPError if it exists already or cannot be created
     */
    void mkdir(String path) throws IOException;

    /**
     * Creates a remote directory and its missing parents; an existing directory is fine.
     *
     * @param path the directory
     * @throws SFTPError if a component exists but is not a directory, or cannot be created
     */
    void makedirs(String path) throws IOException;

    /**
     * Removes a remote file or symbolic link.
     *
     * @param path the file
     * @throws SFTPError if it does not exist or cannot be removed
     */
    void remove(String path) throws IOException;

    /**
     * Removes an empty remote directory.
     *
     * @param path the directory
     * @throws SFTPError if it does not exist, is not empty or cannot be removed
     */
    void rmdir(String path) throws IOException;

    /**
     * Renames a remote path; an existing target is replaced when the server supports OpenSSH's
     * {@code posix-rename} extension (OpenSSH does), otherwise the server refuses.
     *
     * @param oldPath the current path
     * @param newPath the new path
     * @throws SFTPError if {@code oldPath} does not exist or the rename is refused
     */
    void rename(String oldPath, String newPath) throws IOException;

    /**
     * Returns the remote paths matching a glob pattern, sorted: {@code *}, {@code ?}, {@code [...]} and
     * {@code {a,b}} in any component, as in {@code "logs/2026-0?/app-*.gz"}. Names starting with a dot
     * match only a pattern component that starts with a dot, as in the shell.
     *
     * @param pattern the pattern; relative patterns give relative paths
     * @return the matching paths (none is an empty list)
     * @throws SFTPError if a directory on the way cannot be read for another reason than not existing
     */
    List<String> glob(String pattern) throws IOException;

    /**
     * Ends the SFTP session as OpenSSH's {@code sftp} does: sends EOF, so the server ends its SFTP
     * server and closes the channel, which then frees the connection's channel slot (if the server has
     * not closed it within 10 seconds it is closed from here). Outstanding requests fail. Does not
     * block; idempotent.
     */
    @Override
    void close();
}
