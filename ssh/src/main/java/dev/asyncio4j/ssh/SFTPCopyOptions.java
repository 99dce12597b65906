package dev.asyncio4j.ssh;

import java.util.Objects;

/**
 * How {@link SFTPClient#get} and {@link SFTPClient#put} copy: recursion into directories, preserving
 * mode and times, and a progress callback. Immutable; each setter returns a copy.
 *
 * <pre>{@code
 * sftp.get("logs", Path.of("logs"), SFTPCopyOptions.defaults().recursive(true).preserve(true)
 *         .progress((src, dst, done, total) -> System.out.printf("%s %d/%d%n", src, done, total)));
 * }</pre>
 */
public final class SFTPCopyOptions {
    /**
     * Called as a file is copied: asyncssh's {@code progress_handler}.
     *
     * <p>Called on the loop thread of the task that started the copy, never concurrently. Updates within
     * a file may be coalesced when the loop is busy; each file's last update ({@code transferred == total})
     * is always delivered, before the copy call returns.
     */
    @FunctionalInterface
    public interface Progress {
        /**
         * Reports the progress of one file.
         *
         * @param source      the source path (remote for get, local for put)
         * @param destination the destination path
         * @param transferred bytes copied so far
         * @param total       the file's size when the copy started
         */
        void update(String source, String destination, long transferred, long total);
    }

    private static final SFTPCopyOptions DEFAULTS = new SFTPCopyOptions(false, false, null);

    private final boolean recursive;
    private final boolean preserve;
    private final Progress progress;

    private SFTPCopyOptions(boolean recursive, boolean preserve, Progress progress) {
        this.recursive = recursive;
        this.preserve = preserve;
        this.progress = progress;
    }

    /**
     * Returns the defaults: one file, no preserving, no progress.
     *
     * @return the default options
     */
    public static SFTPCopyOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Copies directories with everything under them; without it a directory source is an error. Inside a
     * tree only directories and regular files are copied: symbolic links and special files are skipped.
     *
     * @param recursive whether to copy trees
     * @return the changed options
     */
    public SFTPCopyOptions recursive(boolean recursive) {
        return new SFTPCopyOptions(recursive, preserve, progress);
    }

    /**
     * Gives each copied file and directory the source's permission bits and access/modification times.
     *
     * @param preserve whether to preserve mode and times
     * @return the changed options
     */
    public SFTPCopyOptions preserve(boolean preserve) {
        return new SFTPCopyOptions(recursive, preserve, progress);
    }

    /**
     * Sets the progress callback.
     *
     * @param progress the callback
     * @return the changed options
     * @throws NullPointerException if {@code progress} is null
     */
    public SFTPCopyOptions progress(Progress progress) {
        return new SFTPCopyOptions(recursive, preserve, Objects.requireNonNull(progress, "progress"));
    }

    /**
     * Tells whether directories are copied recursively.
     *
     * @return the recursive flag
     */
    public boolean recursive() {
        return recursive;
    }

    /**
     * Tells whether mode and times are preserved.
     *
     * @return the preserve flag
     */
    public boolean preserve() {
        return preserve;
    }

    /**
     * Returns the progress callback.
     *
     * @return the callback, or {@code null} for none
     */
    public Progress progress() {
        return progress;
    }
}
