package dev.asyncio4j;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Options for a subprocess: the keyword arguments of asyncio's {@code create_subprocess_exec} and
 * {@code create_subprocess_shell} ({@code stdin}, {@code stdout}, {@code stderr}, {@code cwd},
 * {@code env}, {@code limit}). Immutable; each {@code with...} returns a copy.
 *
 * <pre>{@code
 * var opts = SubprocessOptions.defaults()
 *         .withStdout(Redirect.PIPE)
 *         .withStderr(Redirect.STDOUT)            // 2>&1
 *         .withCwd(Path.of("/tmp"));
 * try (Subprocess p = Asyncio.createSubprocessShell("make 2>&1", opts)) { ... }
 * }</pre>
 *
 * <p>As in asyncio, the default for each stream is {@link Redirect#INHERIT}: the child shares the
 * JVM's own standard streams. {@link #pipes()} pipes all three.
 */
public final class SubprocessOptions {
    private static final SubprocessOptions DEFAULTS = new SubprocessOptions(
            Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT, null, null, StreamReader.DEFAULT_LIMIT);
    private static final SubprocessOptions PIPES = new SubprocessOptions(
            Redirect.PIPE, Redirect.PIPE, Redirect.PIPE, null, null, StreamReader.DEFAULT_LIMIT);

    private final Redirect stdin;
    private final Redirect stdout;
    private final Redirect stderr;
    private final Path cwd;
    private final Map<String, String> env;
    private final int limit;

    private SubprocessOptions(Redirect stdin, Redirect stdout, Redirect stderr, Path cwd, Map<String, String> env,
                              int limit) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.cwd = cwd;
        this.env = env;
        this.limit = limit;
    }

    /**
     * asyncio's defaults: the three streams inherited, the JVM's working directory and environment,
     * a 64 KiB stream limit.
     *
     * @return the default options
     */
    public static SubprocessOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The defaults with stdin, stdout and stderr all {@link Redirect#PIPE}d.
     *
     * @return options for a fully piped child
     */
    public static SubprocessOptions pipes() {
        return PIPES;
    }

    /**
     * Where the child's standard input comes from.
     *
     * @param redirect {@code PIPE} (then {@link Subprocess#stdin()} writes to it), {@code DEVNULL},
     *                 {@code INHERIT} or a file to read
     * @return a copy with it
     * @throws IllegalArgumentException for {@link Redirect#STDOUT} or an append redirect
     */
    public SubprocessOptions withStdin(Redirect redirect) {
        Objects.requireNonNull(redirect, "stdin");
        if (redirect.kind() == Redirect.Kind.STDOUT || redirect.kind() == Redirect.Kind.APPEND) {
            throw new IllegalArgumentException(redirect + " is not valid for stdin");
        }
        return new SubprocessOptions(redirect, stdout, stderr, cwd, env, limit);
    }

    /**
     * Where the child's standard output goes.
     *
     * @param redirect {@code PIPE} (then {@link Subprocess#stdout()} reads it), {@code DEVNULL},
     *                 {@code INHERIT} or a file
     * @return a copy with it
     * @throws IllegalArgumentException for {@link Redirect#STDOUT}
     */
    public SubprocessOptions withStdout(Redirect redirect) {
        Objects.requireNonNull(redirect, "stdout");
        if (redirect.kind() == Redirect.Kind.STDOUT) {
            throw new IllegalArgumentException("Redirect.STDOUT is only valid for stderr");
        }
        return new SubprocessOptions(stdin, redirect, stderr, cwd, env, limit);
    }

    /**
     * Where the child's standard error goes; {@link Redirect#STDOUT} merges it into stdout ({@code 2>&1}).
     *
     * @param redirect {@code PIPE}, {@code STDOUT}, {@code DEVNULL}, {@code INHERIT} or a file
     * @return a copy with it
     */
    public SubprocessOptions withStderr(Redirect redirect) {
        Objects.requireNonNull(redirect, "stderr");
        return new SubprocessOptions(stdin, stdout, redirect, cwd, env, limit);
    }

    /**
     * The child's working directory.
     *
     * @param directory the directory, or {@code null} for the JVM's
     * @return a copy with it
     */
    public SubprocessOptions withCwd(Path directory) {
        return new SubprocessOptions(stdin, stdout, stderr, directory, env, limit);
    }

    /**
     * The child's whole environment, replacing the JVM's (as asyncio's {@code env=}); to add a
     * variable, start from a copy of {@link System#getenv()}. Values are never shown by
     * {@link #toString()}.
     *
     * @param environment the variables, or {@code null} to inherit the JVM's
     * @return a copy with it
     * @throws NullPointerException if a key or value is null
     */
    public SubprocessOptions withEnv(Map<String, String> environment) {
        return new SubprocessOptions(stdin, stdout, stderr, cwd, environment == null ? null : Map.copyOf(environment),
                limit);
    }

    /**
     * The buffer limit of the stdout/stderr {@link StreamReader}s (default 64 KiB): the longest line
     * they accept, and half the amount buffered at which reading from the pipe pauses.
     *
     * @param bytes a positive size
     * @return a copy with it
     * @throws IllegalArgumentException if {@code bytes <= 0}
     */
    public SubprocessOptions withLimit(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + bytes);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, bytes);
    }

    /** @return where stdin comes from */
    public Redirect stdin() {
        return stdin;
    }

    /** @return where stdout goes */
    public Redirect stdout() {
        return stdout;
    }

    /** @return where stderr goes */
    public Redirect stderr() {
        return stderr;
    }

    /** @return the working directory, or {@code null} for the JVM's */
    public Path cwd() {
        return cwd;
    }

    /** @return the environment, or {@code null} to inherit the JVM's */
    public Map<String, String> env() {
        return env;
    }

    /** @return the stream buffer limit in bytes */
    public int limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "SubprocessOptions[stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr + ", cwd=" + cwd
                + ", env=" + (env == null ? "inherited" : env.keySet()) + ", limit=" + limit + "]";
    }

    /**
     * Where one standard stream of a child goes: asyncio's {@code PIPE}, {@code DEVNULL},
     * {@code STDOUT} and {@code None} (inherit), or a file.
     */
    public static final class Redirect {
        /** A pipe to this process, read or written through the {@link Subprocess}'s streams. */
        public static final Redirect PIPE = new Redirect(Kind.PIPE, null);
        /** The null device: reads see end of file, writes are discarded. */
        public static final Redirect DEVNULL = new Redirect(Kind.DEVNULL, null);
        /** The JVM's own stream of the same number (asyncio's {@code None}). */
        public static final Redirect INHERIT = new Redirect(Kind.INHERIT, null);
        /** For stderr only: wherever stdout goes ({@code 2>&1}). */
        public static final Redirect STDOUT = new Redirect(Kind.STDOUT, null);

        private final Kind kind;
        private final Path path;

        private Redirect(Kind kind, Path path) {
            this.kind = kind;
            this.path = path;
        }

        /**
         * A file: read for stdin; created or truncated for stdout and stderr.
         *
         * @param path the file
         * @return the redirect
         */
        public static Redirect file(Path path) {
            return new Redirect(Kind.FILE, Objects.requireNonNull(path, "path"));
        }

        /**
         * A file that stdout or stderr appends to, created if missing.
         *
         * @param path the file
         * @return the redirect
         */
        public static Redirect appendTo(Path path) {
            return new Redirect(Kind.APPEND, Objects.requireNonNull(path, "path"));
        }

        /** @return what kind of redirect this is */
        public Kind kind() {
            return kind;
        }

        /** @return the file of a {@code FILE} or {@code APPEND} redirect, else {@code null} */
        public Path path() {
            return path;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Redirect r && r.kind == kind && Objects.equals(r.path, path);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Objects.hashCode(path);
        }

        @Override
        public String toString() {
            return path == null ? "Redirect." + kind : "Redirect." + kind + "(" + path + ")";
        }

        /** The kinds of redirect. */
        public enum Kind {
            /** See {@link Redirect#PIPE}. */
            PIPE,
            /** See {@link Redirect#DEVNULL}. */
            DEVNULL,
            /** See {@link Redirect#INHERIT}. */
            INHERIT,
            /** See {@link Redirect#STDOUT}. */
            STDOUT,
            /** See {@link Redirect#file(Path)}. */
            FILE,
            /** See {@link Redirect#appendTo(Path)}. */
            APPEND
        }
    }
}
