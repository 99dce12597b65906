package dev.asyncio4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process run by the event loop: asyncio's {@code asyncio.subprocess.Process}, named so as
 * not to clash with {@link java.lang.Process}. Created by {@link Asyncio#createSubprocessExec} and
 * {@link Asyncio#createSubprocessShell}; its piped standard streams are a {@link StreamWriter}
 * ({@link #stdin()}) and {@link StreamReader}s ({@link #stdout()}, {@link #stderr()}).
 *
 * <pre>{@code
 * try (Subprocess p = Asyncio.createSubprocessExec(List.of("sort"), SubprocessOptions.pipes())) {
 *     Subprocess.Output out = p.communicate("b\na\n".getBytes(UTF_8));
 *     System.out.print(new String(out.stdout(), UTF_8));   // a, b
 *     System.out.println("exit " + p.returncode());
 * }
 * }</pre>
 *
 * <p><b>Waiting and deadlock.</b> As in asyncio, {@link #waitExit()} while stdout or stderr is a
 * pipe nobody reads can wait forever: once the pipe's buffer is full the child blocks in write.
 * {@link #communicate(byte[])} reads both while it writes stdin, and is the safe way to collect
 * output.
 *
 * <p><b>Cancellation and timeouts.</b> Cancelling a task in {@code waitExit} or {@code communicate}
 * leaves the child running; kill it (or {@link #close()} it) afterwards:
 * <pre>{@code
 * try {
 *     out = Asyncio.timeout(Duration.ofSeconds(10), scope -> p.communicate(null));
 * } catch (TimeoutError e) {
 *     p.kill();
 *     p.waitExit();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Loop-confined: call it from the loop's tasks. The JDK's process pipes are not
 * selectable, so each pipe is served by a daemon platform thread named
 * {@code asyncio4j-subprocess-<pid>-stdin|stdout|stderr}; see the package documentation. No call
 * here blocks the loop.
 */
public final class Subprocess implements AutoCloseable {
    private static final int FEED_SLICE = 256 * 1024;
    private final SubprocessTransport transport;
    private final SubprocessStreams streams;

    private Subprocess(SubprocessTransport transport, SubprocessStreams streams) {
        this.transport = transport;
        this.streams = streams;
    }

    static Subprocess exec(List<String> command, SubprocessOptions options) throws IOException {
        SubprocessStreams streams = new SubprocessStreams(options.limit());
        return new Subprocess(Asyncio.getRunningLoop().subprocessExec(() -> streams, command, options), streams);
    }

    static Subprocess shell(String cmd, SubprocessOptions options) throws IOException {
        SubprocessStreams streams = new SubprocessStreams(options.limit());
        return new Subprocess(Asyncio.getRunningLoop().subprocessShell(() -> streams, cmd, options), streams);
    }

    /**
     * What {@link #communicate(byte[])} collected.
     *
     * @param stdout everything the child wrote to stdout, or {@code null} if stdout was not a pipe
     * @param stderr everything it wrote to stderr, or {@code null} if stderr was not a pipe
     */
    public record Output(byte[] stdout, byte[] stderr) {
        @Override
        public String toString() {
            return "Output[stdout=" + (stdout == null ? "null" : stdout.length + " bytes")
                    + ", stderr=" + (stderr == null ? "null" : stderr.length + " bytes") + "]";
        }
    }

    /**
     * The child's process id.
     *
     * @return the pid
     */
    public long pid() {
        return transport.getPid();
    }

    /**
     * The child's return code; see {@link SubprocessTransport} for how signals are reported.
     *
     * @return {@code null} while it runs; its exit status; or {@code -N} if signal N ended it
     */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /**
     * The writer to the child's stdin.
     *
     * @return the writer, or {@code null} unless stdin is a {@link SubprocessOptions.Redirect#PIPE}
     */
    public StreamWriter stdin() {
        return streams.stdin();
    }

    /**
     * The reader of the child's stdout.
     *
     * @return the reader, or {@code null} unless stdout is a {@link SubprocessOptions.Redirect#PIPE}
     */
    public StreamReader stdout() {
        return streams.stdout();
    }

    /**
     * The reader of the child's stderr.
     *
     * @return the reader, or {@code null} unless stderr is a {@link SubprocessOptions.Redirect#PIPE}
     */
    public StreamReader stderr() {
        return streams.stderr();
    }

    /**
     * Waits for the child to exit: asyncio's {@code Process.wait()}. Returns at once if it has.
     *
     * @return the return code
     * @throws CancelledError if the task is cancelled meanwhile (the child keeps running)
     */
    public int waitExit() {
        return streams.waitExit();
    }

    /**
     * Sends {@code input} to stdin and closes it, reads stdout and stderr to their end, and waits for
     * the child to exit: asyncio's {@code communicate()}. The three run concurrently, so a child that
     * writes a lot before reading all its input does not deadlock. A child that stops reading its
     * input early (a broken pipe) is not an error, as in asyncio.
     *
     * @param input the bytes for stdin, or {@code null} to send nothing (stdin, if a pipe, is closed)
     * @return what the child wrote to its piped outputs
     * @throws IOException              if reading stdout or stderr failed
     * @throws IllegalArgumentException if {@code input} is given but stdin is not a pipe
     * @throws CancelledError           if the task is cancelled meanwhile (the child keeps running)
     */
    public Output communicate(byte[] input) throws IOException {
        if (input != null && stdin() == null) {
            throw new IllegalArgumentException("communicate() was given input, but stdin is not a pipe:"
                    + " start the process with SubprocessOptions.withStdin(Redirect.PIPE)");
        }
        List<Task<?>> tasks = new ArrayList<>(3);
        try {
            if (stdin() != null) {
                tasks.add(Asyncio.createTask(() -> feedStdin(input), "communicate-stdin-" + pid()));
            }
            Task<byte[]> out = stdout() != null ? readAll(1, tasks) : null;
            Task<byte[]> err = stderr() != null ? readAll(2, tasks) : null;
            if (!tasks.isEmpty()) {
                Asyncio.await(Asyncio.gather(tasks));
            }
            waitExit();
            return new Output(out != null ? out.result() : null, err != null ? err.result() : null);
        } finally {
            for (Task<?> t : tasks) {
                t.cancel();
            }
        }
    }

    /**
     * Like {@link #communicate(byte[])} with no input.
     *
     * @return what the child wrote to its piped outputs
     * @throws IOException if reading stdout or stderr failed
     */
    public Output communicate() throws IOException {
        return communicate(null);
    }

    /* Writes in slices, draining after each, so a large input is never copied whole. */
    private Void feedStdin(byte[] input) {
        StreamWriter w = stdin();
        try {
            for (int off = 0; input != null && off < input.length; off += FEED_SLICE) {
                w.write(ByteBuffer.wrap(input, off, Math.min(FEED_SLICE, input.length - off)));
                w.drain();
            }
        } catch (IOException e) {
            // the child stopped reading (a broken pipe): communicate() ignores it, as asyncio's does
        }
        w.close();
        return null;
    }

    /* Reads to EOF, then closes the pipe; chunks are joined once at the end. */
    private Task<byte[]> readAll(int fd, List<Task<?>> tasks) {
        StreamReader r = fd == 1 ? stdout() : stderr();
        Task<byte[]> t = Asyncio.createTask(() -> {
            List<byte[]> chunks = new ArrayList<>();
            int total = 0;
            byte[] chunk;
            while ((chunk = r.read(r.limit())).length > 0) {
                chunks.add(chunk);
                total += chunk.length;
            }
            transport.getPipeTransport(fd).close();
            byte[] all = new byte[total];
            int at = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
            return all;
        }, "communicate-" + (fd == 1 ? "stdout-" : "stderr-") + pid());
        tasks.add(t);
        return t;
    }

    /**
     * Sends a signal; see {@link SubprocessTransport#sendSignal(int)}.
     *
     * @param signal a POSIX signal number, 1 to 64
     * @return true if sent; false if the child had already exited
     * @throws IOException if the {@code kill} command that sends signals other than 9 and 15 failed
     */
    public boolean sendSignal(int signal) throws IOException {
        return transport.sendSignal(signal);
    }

    /**
     * Asks the child to terminate (SIGTERM); it then reports {@code -15} unless it handles the signal.
     *
     * @return true if requested; false if the child had already exited
     */
    public boolean terminate() {
        return transport.terminate();
    }

    /**
     * Kills the child (SIGKILL); it then reports {@code -9}.
     *
     * @return true if requested; false if the child had already exited
     */
    public boolean kill() {
        return transport.kill();
    }

    /**
     * Waits until the child has exited, its pipes are closed and the threads that served them have
     * ended. A pipe passed on to a grandchild that outlives the child stays open until that one exits
     * too (a JDK pipe read cannot be interrupted).
     *
     * @throws CancelledError if the task is cancelled meanwhile
     */
    public void waitClosed() {
        streams.waitClosed();
    }

    /**
     * The low-level transport, for {@link SubprocessTransport#getPipeTransport} and its flow control.
     *
     * @return the transport
     */
    public SubprocessTransport transport() {
        return transport;
    }

    /**
     * Kills the child if it still runs and closes its pipes; unread output is dropped. Does not wait
     * (see {@link #waitClosed()}). Idempotent.
     */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        Integer code = returncode();
        return "<Subprocess pid=" + pid() + (code == null ? " running" : " returncode=" + code) + ">";
    }
}
