package dev.asyncio4j.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.SubprocessOptions;
import dev.asyncio4j.SubprocessOptions.Redirect;
import dev.asyncio4j.SubprocessProtocol;
import dev.asyncio4j.SubprocessTransport;
import dev.asyncio4j.Transport;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/*
 * Implementation overview.
 *
 * Start: ProcessBuilder.start() forks and execs, a blocking call, so it runs on the loop's default
 * executor while the calling task awaits it. If that task is cancelled meanwhile, the Launch state
 * machine makes sure a process that starts anyway is killed (the JDK reaps it).
 *
 * Then, on the loop: protocol.connectionMade, one reading thread per piped output (PipeReadTransport),
 * a writing thread for stdin on its first write (PipeWriteTransport), and Process.onExit() bridged to
 * the loop with callSoonThreadsafe. The JDK's reaper thread waitpid()s every child it started, so no
 * child becomes a zombie, whatever happens to the loop.
 *
 * Finish: connectionLost reaches the protocol once the process has exited, every pipe has reported
 * connectionLost, and every helper thread has ended; from then on nothing of the child remains.
 */

/** A child process on a loop: asyncio's BaseSubprocessTransport over the JDK's {@link Process}. */
public final class ProcessTransport implements SubprocessTransport {
    /** The name prefix of the helper threads: {@code asyncio4j-subprocess-<pid>-stdout} and so on. */
    public static final String THREAD_PREFIX = "asyncio4j-subprocess-";
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private static final int MAX_SIGNAL = 64;

    private final DefaultEventLoop loop;
    private final Process process;
    private final long pid;
    private final SubprocessProtocol protocol;
    private PipeWriteTransport stdin;
    private PipeReadTransport stdout;
    private PipeReadTransport stderr;
    private Integer returncode;
    private boolean closed;
    private boolean finished;
    private int openPipes;
    private int liveThreads;

    private ProcessTransport(DefaultEventLoop loop, Process process, SubprocessProtocol protocol,
                             SubprocessOptions options) {
        this.loop = loop;
        this.process = process;
        this.pid = process.pid();
        this.protocol = protocol;
        if (options.stdin().kind() == Redirect.Kind.PIPE) {
            stdin = new PipeWriteTransport(loop, this, process.getOutputStream(), new PipeEvents(0));
            openPipes++;
        }
        if (options.stdout().kind() == Redirect.Kind.PIPE) {
            stdout = new PipeReadTransport(loop, this, 1, process.getInputStream(), new PipeEvents(1));
            openPipes++;
        }
        if (options.stderr().kind() == Redirect.Kind.PIPE) {
            stderr = new PipeReadTransport(loop, this, 2, process.getErrorStream(), new PipeEvents(2));
            openPipes++;
        }
    }

    /**
     * Starts {@code command} and returns its transport once the protocol's connectionMade has run.
     * Must be called from a task of {@code loop}; suspends it while the process is started.
     *
     * @param loop    the loop
     * @param factory makes the protocol
     * @param command the program and its arguments
     * @param options redirects, working directory, environment
     * @return the transport of the running child
     * @throws IOException if the process cannot be started (e.g. the program is not found)
     */
    public static ProcessTransport spawn(DefaultEventLoop loop, Supplier<? extends SubprocessProtocol> factory,
                                         List<String> command, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(factory, "factory");
        ProcessBuilder builder = builder(command, options);
        SubprocessProtocol protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        Launch launch = new Launch(builder);
        Future<Process> started = loop.runInExecutor(null, launch);
        Process process;
        try {
            process = Asyncio.await(started); // rethrows start()'s IOException unchanged
        } catch (CancelledError e) {
            launch.abandon();
            throw e;
        }
        ProcessTransport transport = new ProcessTransport(loop, process, protocol, options);
        try {
            protocol.connectionMade(transport);
        } catch (Throwable e) {
            transport.close();
            transport.watchExit();
            throw e;
        }
        transport.startPipes();
        transport.watchExit();
        return transport;
    }

    /**
     * The command that runs {@code cmd} through the system shell: {@code /bin/sh -c cmd}
     * ({@code cmd.exe /c cmd} on Windows), as asyncio's {@code create_subprocess_shell}.
     *
     * @param cmd the shell command line
     * @return the command
     */
    public static List<String> shell(String cmd) {
        Objects.requireNonNull(cmd, "cmd");
        return WINDOWS ? List.of("cmd.exe", "/c", cmd) : List.of("/bin/sh", "-c", cmd);
    }

    private static ProcessBuilder builder(List<String> command, SubprocessOptions options) {
        Objects.requireNonNull(options, "options");
        List<String> argv = List.copyOf(command); // rejects null elements
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the command is empty: give at least the program to run");
        }
        ProcessBuilder b = new ProcessBuilder(argv);
        b.redirectInput(switch (options.stdin().kind()) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case DEVNULL -> ProcessBuilder.Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null"));
            default -> ProcessBuilder.Redirect.from(options.stdin().path().toFile());
        });
        b.redirectOutput(output(options.stdout()));
        if (options.stderr().kind() == Redirect.Kind.STDOUT) {
            b.redirectErrorStream(true);
        } else {
            b.redirectError(output(options.stderr()));
        }
        if (options.cwd() != null) {
            b.directory(options.cwd().toFile());
        }
        if (options.env() != null) {
            Map<String, String> env = b.environment();
            env.clear();
            env.putAll(options.env());
        }
        return b;
    }

    private static ProcessBuilder.Redirect output(Redirect r) {
        return switch (r.kind()) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
            case APPEND -> ProcessBuilder.Redirect.appendTo(r.path().toFile());
            default -> ProcessBuilder.Redirect.to(r.path().toFile());
        };
    }

    /*
     * Starting a process on an executor thread races with the cancellation of the task waiting for
     * it: whichever of call() and abandon() comes second kills the process.
     */
    private static final class Launch implements Callable<Process> {
        private static final int PENDING = 0;
        private static final int ABANDONED = 1;
        private static final int DELIVERED = 2;
        private final ProcessBuilder builder;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private volatile Process process;

        Launch(ProcessBuilder builder) {
            this.builder = builder;
        }

        @Override
        public Process call() throws IOException {
            Process p = builder.start();
            process = p;
            if (!state.compareAndSet(PENDING, DELIVERED)) {
                p.toHandle().destroyForcibly();
            }
            return p;
        }

        void abandon() {
            if (!state.compareAndSet(PENDING, ABANDONED)) {
                process.toHandle().destroyForcibly();
            }
        }
    }

    private void startPipes() {
        loop.subprocessStarted(this);
        if (stdout != null) {
            stdout.start();
        }
        if (stderr != null) {
            stderr.start();
        }
    }

    private void watchExit() {
        process.onExit().whenComplete((p, e) -> loop.callSoonThreadsafeIfOpen(this::exited));
    }

    // ---------------------------------------------------------------- events

    private void exited() {
        if (returncode != null) {
            return;
        }
        returncode = decode(process.exitValue());
        if (stdin != null) {
            stdin.peerExited();
        }
        try {
            protocol.processExited();
        } catch (Throwable e) {
            report(e, "protocol.processExited() call failed");
        }
        tryFinish();
    }

    /* The JDK reports death by signal N as 128 + N; asyncio reports -N. */
    private static int decode(int status) {
        if (!WINDOWS && status > 128 && status <= 128 + MAX_SIGNAL) {
            return -(status - 128);
        }
        return status;
    }

    void threadStarted() {
        liveThreads++;
    }

    void threadEnded() {
        liveThreads--;
        tryFinish();
    }

    private void pipeConnectionLost(int fd, Throwable error) {
        openPipes--;
        try {
            protocol.pipeConnectionLost(fd, error);
        } catch (Throwable e) {
            report(e, "protocol.pipeConnectionLost() call failed");
        }
        tryFinish();
    }

    private void tryFinish() {
        if (finished || returncode == null || openPipes > 0 || liveThreads > 0) {
            return;
        }
        finished = true;
        loop.subprocessFinished(this);
        try {
            protocol.connectionLost(null);
        } catch (Throwable e) {
            report(e, "protocol.connectionLost() call failed");
        }
    }

    private void report(Throwable e, String message) {
        TransportErrors.report(loop, message, e, this);
    }

    /* Routes one pipe's transport events to the subprocess protocol, tagged with the pipe's fd. */
    private final class PipeEvents implements Protocol {
        private final int fd;

        PipeEvents(int fd) {
            this.fd = fd;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            protocol.pipeDataReceived(fd, data);
        }

        @Override
        public void connectionLost(Throwable error) {
            pipeConnectionLost(fd, error);
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }
    }

    // ---------------------------------------------------------------- SubprocessTransport

    @Override
    public long getPid() {
        return pid;
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public Transport getPipeTransport(int fd) {
        return switch (fd) {
            case 0 -> stdin;
            case 1 -> stdout;
            case 2 -> stderr;
            default -> throw new IllegalArgumentException("fd must be 0, 1 or 2, got " + fd);
        };
    }

    @Override
    public boolean sendSignal(int signal) throws IOException {
        if (signal <= 0 || signal > MAX_SIGNAL) {
            throw new IllegalArgumentException("signal must be 1-" + MAX_SIGNAL + ", got " + signal);
        }
        if (signal == SIGKILL) {
            return kill();
        }
        if (signal == SIGTERM) {
            return terminate();
        }
        if (!running()) {
            return false;
        }
        List<String> kill = List.of("kill", "-" + signal, Long.toString(pid));
        return Asyncio.await(loop.runInExecutor(null, () -> {
            if (!process.isAlive()) {
                return false;
            }
            Process k = new ProcessBuilder(kill).redirectErrorStream(true).start();
            String output = new String(k.getInputStream().readAllBytes(), Charset.defaultCharset()).strip();
            int status = k.waitFor();
            if (status != 0) {
                throw new IOException(String.join(" ", kill) + " failed with exit status " + status
                        + (output.isEmpty() ? "" : ": " + output));
            }
            return true;
        }));
    }

    @Override
    public boolean terminate() {
        return running() && process.toHandle().destroy();
    }

    @Override
    public boolean kill() {
        return running() && process.toHandle().destroyForcibly();
    }

    private boolean running() {
        return returncode == null && process.isAlive();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (stdin != null) {
            stdin.abort();
        }
        if (stdout != null) {
            stdout.close();
        }
        if (stderr != null) {
            stderr.close();
        }
        kill();
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "pid" -> pid;
            case "subprocess" -> process;
            default -> null;
        };
    }

    @Override
    public SubprocessProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return "<ProcessTransport pid=" + pid + (returncode != null ? " returncode=" + returncode : " running")
                + (closed ? " closed" : "") + ">";
    }
}
