/*
 * Conformance tests for subprocesses, porting the behaviours checked by CPython's
 *   Lib/test/test_asyncio/test_subprocess.py  (SubprocessMixin, SubprocessTransportTests)
 * (CPython 3.12/3.13). Written from the behaviour; method names are the CPython ones, camelCased.
 * CPython's helper programs (sys.executable -c ...) become sh, cat, printf, head, wc and sleep.
 *
 * Not ported: test_start_new_session (no setsid in the JDK's ProcessBuilder), the text-mode and
 * FakePath tests (Java has no text=/encoding= arguments; paths are strings), the child-watcher and
 * pidfd classes (the JDK reaps its children itself), test_popen_error* (they mock Popen; the
 * not-found test below checks the same "nothing leaked" property with a real failure).
 *
 * Added for asyncio4j: the helper threads of a cancelled or closed process end, a paused reader
 * really stops the child (flow control), stdin back-pressure, 50 MB through cat, STDOUT merge, cwd,
 * a loop that closes kills its children, and the option checks.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.StreamReader;
import dev.asyncio4j.Subprocess;
import dev.asyncio4j.SubprocessOptions;
import dev.asyncio4j.SubprocessOptions.Redirect;
import dev.asyncio4j.SubprocessProtocol;
import dev.asyncio4j.SubprocessTransport;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.Transport;
import dev.asyncio4j.testing.VirtualTime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubprocessTest {
    private static final String THREAD_PREFIX = "asyncio4j-subprocess-";
    private static final List<String> CAT = List.of("cat");
    private static final List<String> BLOCKED = List.of("sleep", "3600");
    private static final SubprocessOptions PIPES = SubprocessOptions.pipes();
    private static final SubprocessOptions QUIET = SubprocessOptions.defaults().withStdin(Redirect.DEVNULL);
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private static final int SIGUSR1 = 10; // Linux numbering

    private static Subprocess exec(List<String> command, SubprocessOptions options) throws IOException {
        return Asyncio.createSubprocessExec(command, options);
    }

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    // ---------------------------------------------------------------- SubprocessMixin

    @Test
    void testStdinStdout() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(CAT, PIPES)) {
                p.stdin().write("some data".getBytes(UTF_8));
                p.stdin().drain();
                p.stdin().close();
                byte[] data = p.stdout().read(-1);
                int exitcode = p.waitExit();
                return List.of(exitcode, text(data));
            }
        });
        assertThat(result).containsExactly(0, "some data");
    }

    @Test
    void testCommunicate() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(CAT, PIPES)) {
                Subprocess.Output out = p.communicate("some data".getBytes(UTF_8));
                return List.of(p.returncode(), text(out.stdout()), text(out.stderr()));
            }
        });
        assertThat(result).containsExactly(0, "some data", "");
    }

    @Test
    void testCommunicateNoneInput() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(CAT, PIPES)) {
                Subprocess.Output out = p.communicate();
                return List.of(p.returncode(), out.stdout().length);
            }
        });
        assertThat(result).containsExactly(0, 0);
    }

    @Test
    void testShell() {
        int exitcode = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("exit 7")) {
                return p.waitExit();
            }
        });
        assertThat(exitcode).isEqualTo(7);
    }

    @Test
    void testKill() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(BLOCKED, QUIET)) {
                Integer before = p.returncode();
                boolean sent = p.kill();
                return Arrays.asList(before, sent, p.waitExit(), p.returncode());
            }
        });
        assertThat(result).containsExactly(null, true, -SIGKILL, -SIGKILL);
    }

    @Test
    void testKillIssue43884() {
        // a shell that does not exec its last command: killing the shell is what returncode reports
        int returncode = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("sleep 30; sleep 30",
                    QUIET.withStdout(Redirect.PIPE))) {
                sleep(Duration.ofMillis(100));
                p.kill();
                return p.waitExit();
            }
        });
        assertThat(returncode).isEqualTo(-SIGKILL);
    }

    @Test
    void testTerminate() {
        int returncode = Asyncio.run(() -> {
            try (Subprocess p = exec(BLOCKED, QUIET)) {
                p.terminate();
                return p.waitExit();
            }
        });
        assertThat(returncode).isEqualTo(-SIGTERM);
    }

    @Test
    void testSendSignal() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"),
                "signal numbers are Linux's");
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("echo sleeping; exec sleep 3600",
                    QUIET.withStdout(Redirect.PIPE))) {
                String line = text(p.stdout().readline()); // the child is up and about to sleep
                boolean sent = p.sendSignal(SIGUSR1);       // not SIGTERM/SIGKILL: sent by `kill -10 pid`
                return List.of(line, sent, p.waitExit());
            }
        });
        assertThat(result).containsExactly("sleeping\n", true, -SIGUSR1);
    }

    @Test
    void testStdinBrokenPipe() {
        var result = Asyncio.run(() -> {
            // the child reads one line, then exits without reading the rest
            try (Subprocess p = Asyncio.createSubprocessShell("read -r line; exit 0", PIPES)) {
                byte[] data = new byte[4 * 1024 * 1024];
                data[0] = '\n';
                p.stdin().write(data);
                Throwable failure = null;
                try {
                    p.stdin().drain();
                } catch (IOException e) {
                    failure = e;
                }
                return List.of(String.valueOf(failure instanceof IOException), p.waitExit());
            }
        });
        assertThat(result).containsExactly("true", 0);
    }

    @Test
    void testCommunicateIgnoreBrokenPipe() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(List.of("true"), PIPES)) {
                Subprocess.Output out = p.communicate(new byte[4 * 1024 * 1024]);
                return List.of(p.returncode(), out.stdout().length);
            }
        });
        assertThat(result).containsExactly(0, 0);
    }

    @Test
    void testPauseReading() {
        int limit = 10;
        int size = 1024 * 1024;
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("head -c " + size + " /dev/zero",
                    PIPES.withLimit(limit))) {
                Transport stdout = p.transport().getPipeTransport(1);
                assertThat(stdout.isReading()).isTrue();
                // Nobody reads yet: the reader passes 2 * limit and pauses its transport.
                waitUntil(() -> !stdout.isReading());
                Subprocess.Output out = p.communicate();
                return List.of(out.stdout().length, p.returncode());
            }
        });
        assertThat(result).containsExactly(size, 0);
    }

    @Test
    void testStdinNotInheritable() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(List.of("wc", "-c"), PIPES)) {
                Subprocess.Output out = p.communicate("abc".getBytes(UTF_8));
                return List.of(text(out.stdout()).strip(), p.waitExit());
            }
        });
        assertThat(result).containsExactly("3", 0);
    }

    @Test
    void testEmptyInput() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(List.of("wc", "-c"), PIPES)) {
                Subprocess.Output out = p.communicate(new byte[0]);
                return List.of(text(out.stdout()).strip(), p.waitExit());
            }
        });
        assertThat(result).containsExactly("0", 0);
    }

    @Test
    void testDevnullInput() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(List.of("wc", "-c"), PIPES.withStdin(Redirect.DEVNULL))) {
                Subprocess.Output out = p.communicate();
                return Arrays.asList(p.stdin(), text(out.stdout()).strip(), p.waitExit());
            }
        });
        assertThat(result).containsExactly(null, "0", 0);
    }

    @Test
    void testDevnullOutput() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(List.of("wc", "-c"), PIPES.withStdout(Redirect.DEVNULL))) {
                Subprocess.Output out = p.communicate("abc".getBytes(UTF_8));
                return Arrays.asList(p.stdout(), out.stdout(), p.waitExit());
            }
        });
        assertThat(result).containsExactly(null, null, 0);
    }

    @Test
    void testDevnullError() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("wc -c; echo oops >&2",
                    PIPES.withStderr(Redirect.DEVNULL))) {
                Subprocess.Output out = p.communicate("abc".getBytes(UTF_8));
                return Arrays.asList(out.stderr(), text(out.stdout()).strip(), p.waitExit());
            }
        });
        assertThat(result).containsExactly(null, "3", 0);
    }

    @Test
    void testCancelProcessWait() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(BLOCKED, PIPES)) {
                Task<Integer> wait = createTask(p::waitExit);
                Asyncio.getRunningLoop().callSoon(wait::cancel);
                boolean cancelled = false;
                try {
                    await(wait);
                } catch (CancelledError e) {
                    cancelled = true;
                }
                Integer stillRunning = p.returncode();
                p.kill();
                int code = p.waitExit();
                p.stdin().close();
                p.waitClosed(); // stdout/stderr reach EOF once the child is dead
                return Arrays.asList(cancelled, stillRunning, code, p.pid());
            }
        });
        assertThat(result.subList(0, 3)).containsExactly(true, null, -SIGKILL);
        long pid = (Long) result.get(3);
        assertNoHelperThreads(pid);
        assertReaped(pid);
    }

    @Test
    void testCancelMakeSubprocessTransportExec() {
        String marker = uniqueSleep();
        Asyncio.run(() -> {
            Task<Subprocess> create = createTask(() -> exec(List.of("sleep", marker), QUIET));
            Asyncio.getRunningLoop().callSoon(create::cancel);
            try {
                await(create).close(); // started before the cancel arrived: ours to close
            } catch (CancelledError expected) {
                // the task was cancelled while the process was starting
            }
            return null;
        });
        awaitNoChildRunning(marker);
    }

    @Test
    void testCancelPostInit() {
        String marker = uniqueSleep();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Task<SubprocessTransport> create = createTask(() ->
                    loop.subprocessExec(() -> new SubprocessProtocol() { }, List.of("sleep", marker), QUIET));
            sleep(Duration.ZERO);
            create.cancel();
            try {
                await(create).close();
            } catch (CancelledError expected) {
                // cancelled while starting: the process, if it started, was killed
            }
            return null;
        });
        awaitNoChildRunning(marker);
    }

    @Test
    void testCloseKillRunning() {
        var result = Asyncio.run(() -> {
            Events events = new Events();
            SubprocessTransport t = Asyncio.getRunningLoop().subprocessExec(() -> events, BLOCKED, QUIET);
            Integer before = t.getReturncode();
            t.close();
            await(events.lost);
            return Arrays.asList(before, t.getReturncode(), t.isClosing());
        });
        assertThat(result).containsExactly(null, -SIGKILL, true);
    }

    @Test
    void testCloseDontKillFinished() {
        var result = Asyncio.run(() -> {
            Events events = new Events();
            SubprocessTransport t = Asyncio.getRunningLoop().subprocessExec(() -> events, List.of("true"), QUIET);
            Process process = (Process) t.getExtraInfo("subprocess");
            int status = toThread(process::waitFor); // exited; the transport may not know yet
            t.close();                               // must not turn exit status 0 into -9
            await(events.lost);
            return List.of(status, t.getReturncode());
        });
        assertThat(result).containsExactly(0, 0);
    }

    @Test
    void testPopenError() {
        String program = "asyncio4j-no-such-program-" + UUID.randomUUID();
        long threadsBefore = helperThreads().size();
        assertThatThrownBy(() -> Asyncio.run(() -> exec(List.of(program, "arg"), PIPES)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(program);
        assertThat(helperThreads()).hasSize((int) threadsBefore);
        assertThat(ProcessHandle.current().children()
                .filter(h -> h.info().commandLine().orElse("").contains(program))).isEmpty();
    }

    @Test
    void testReadStdoutAfterProcessExit() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("head -c 262144 /dev/zero; exit 1",
                    QUIET.withStdout(Redirect.PIPE))) {
                int total = 0;
                while (true) {
                    byte[] data = p.stdout().read(65536);
                    if (data.length == 0) {
                        break;
                    }
                    total += data.length;
                    sleep(Duration.ofMillis(50));
                }
                return List.of(total, p.waitExit());
            }
        });
        assertThat(result).containsExactly(262144, 1);
    }

    @Test
    void testCreateSubprocessEnvShell() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FOO", "bar");
        assertThat(Asyncio.run(() -> checkStdoutOutput(
                Asyncio.createSubprocessShell("printf %s \"$FOO\"", QUIET.withStdout(Redirect.PIPE).withEnv(env)))))
                .isEqualTo("bar");
    }

    @Test
    void testCreateSubprocessEnvExec() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FOO", "baz");
        assertThat(Asyncio.run(() -> checkStdoutOutput(
                exec(List.of("printenv", "FOO"), QUIET.withStdout(Redirect.PIPE).withEnv(env)))))
                .isEqualTo("baz\n");
    }

    /* communicate, then a waitExit() task sees the same code without suspending. */
    private static String checkStdoutOutput(Subprocess p) throws IOException {
        try (p) {
            Subprocess.Output out = p.communicate();
            assertThat(p.returncode()).isEqualTo(0);
            Task<Integer> wait = createTask(p::waitExit);
            sleep(Duration.ZERO);
            assertThat(wait.result()).isEqualTo(p.returncode());
            return text(out.stdout());
        }
    }

    @Test
    void testSubprocessConcurrentWait() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(CAT, PIPES)) {
                Subprocess.Output out = p.communicate("some data".getBytes(UTF_8));
                List<Task<Integer>> waits = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    waits.add(createTask(p::waitExit));
                }
                return List.of(text(out.stdout()), await(gather(waits)));
            }
        });
        assertThat(result).containsExactly("some data", java.util.Collections.nCopies(10, 0));
    }

    @Test
    void testSubprocessProtocolEvents() {
        List<String> events = Asyncio.run(() -> {
            Events protocol = new Events();
            SubprocessTransport t = Asyncio.getRunningLoop().subprocessShell(() -> protocol,
                    "printf stdout; printf stderr >&2", PIPES.withStdin(Redirect.DEVNULL));
            await(protocol.lost);
            t.close();
            return protocol.log;
        });
        assertThat(events).containsExactlyInAnyOrder("made", "data 1 stdout", "data 2 stderr", "pipe lost 1",
                "pipe lost 2", "exited", "lost");
        assertThat(events.get(0)).isEqualTo("made");
        assertThat(events.get(events.size() - 1)).isEqualTo("lost");
        assertThat(events.indexOf("data 1 stdout")).isLessThan(events.indexOf("pipe lost 1"));
        assertThat(events.indexOf("data 2 stderr")).isLessThan(events.indexOf("pipe lost 2"));
    }

    @Test
    void testSubprocessCommunicateStdout() {
        List<String> outputs = Asyncio.run(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String word = "foo" + i;
                tasks.add(createTask(() -> {
                    try (Subprocess p = exec(List.of("echo", word), QUIET.withStdout(Redirect.PIPE))) {
                        return text(p.communicate().stdout()).strip();
                    }
                }));
            }
            return await(gather(tasks));
        });
        assertThat(outputs).containsExactly("foo0", "foo1", "foo2", "foo3", "foo4", "foo5", "foo6", "foo7",
                "foo8", "foo9");
    }

    // ---------------------------------------------------------------- SubprocessTransportTests

    @Test
    void testProcExited() {
        var result = Asyncio.run(() -> {
            Events events = new Events();
            SubprocessTransport t = Asyncio.getRunningLoop().subprocessShell(() -> events, "exit 6", QUIET);
            await(events.lost);
            List<Object> r = Arrays.asList(t.getReturncode(), t.isClosing(), t.sendSignal(SIGTERM), t.terminate(),
                    t.kill(), t.sendSignal(SIGUSR1));
            t.close();
            return r;
        });
        assertThat(result).containsExactly(6, false, false, false, false, false);
    }

    @Test
    void testSubprocessRepr() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = exec(BLOCKED, QUIET)) {
                String running = p.toString();
                p.kill();
                p.waitExit();
                return List.of(running, p.toString(), String.valueOf(p.pid()));
            }
        });
        assertThat(result.get(0)).isEqualTo("<Subprocess pid=" + result.get(2) + " running>");
        assertThat(result.get(1)).isEqualTo("<Subprocess pid=" + result.get(2) + " returncode=-9>");
    }

    // ---------------------------------------------------------------- asyncio4j additions

    /** A cancelled communicate leaves a child to kill; once killed, its helper threads end and it is reaped. */
    @Test
    void testTimeoutThenKillLeavesNoThreadOrZombie() {
        long pid = Asyncio.run(() -> {
            Subprocess p = Asyncio.createSubprocessShell("cat; exec sleep 3600", PIPES);
            try {
                Asyncio.timeout(Duration.ofMillis(300), scope -> p.communicate("abc".getBytes(UTF_8)));
                throw new AssertionError("communicate should have timed out");
            } catch (TimeoutError expected) {
                assertThat(p.returncode()).isNull();
            }
            p.kill();
            assertThat(p.waitExit()).isEqualTo(-SIGKILL);
            p.waitClosed();
            p.close();
            return p.pid();
        });
        assertNoHelperThreads(pid);
        assertReaped(pid);
    }

    /** A reader paused on a full buffer holds its thread until close() releases it. */
    @Test
    void testCloseReleasesPausedReader() {
        long pid = Asyncio.run(() -> {
            Subprocess p = Asyncio.createSubprocessShell("head -c 10000000 /dev/zero", PIPES);
            Transport stdout = p.transport().getPipeTransport(1);
            waitUntil(() -> !stdout.isReading());
            p.close();
            p.waitClosed();
            return p.pid();
        });
        assertNoHelperThreads(pid);
        assertReaped(pid);
    }

    /** While nobody reads stdout, the child cannot get far: its pipe fills and it blocks. */
    @Test
    void testSlowReaderBlocksTheChild() {
        int size = 8 * 1024 * 1024;
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("head -c " + size + " /dev/zero; echo done >&2",
                    PIPES.withStdin(Redirect.DEVNULL))) {
                StreamReader err = p.stderr();
                boolean finishedUnread;
                try {
                    Asyncio.timeout(Duration.ofSeconds(1), scope -> err.readline());
                    finishedUnread = true;
                } catch (TimeoutError expected) {
                    finishedUnread = false;
                }
                boolean paused = !p.transport().getPipeTransport(1).isReading();
                byte[] all = p.stdout().read(-1);
                return List.of(finishedUnread, paused, all.length, text(err.readline()), p.waitExit());
            }
        });
        assertThat(result).containsExactly(false, true, size, "done\n", 0);
    }

    /** Writing to a child that does not read makes drain() wait; a reading child lets it through. */
    @Test
    void testStdinBackPressure() {
        var result = Asyncio.run(() -> {
            List<Object> r = new ArrayList<>();
            try (Subprocess p = exec(BLOCKED, PIPES)) {
                p.stdin().write(new byte[1024 * 1024]);
                try {
                    Asyncio.timeout(Duration.ofMillis(300), scope -> {
                        p.stdin().drain();
                        return null;
                    });
                    r.add("drained");
                } catch (TimeoutError expected) {
                    r.add("blocked");
                }
                r.add(p.stdin().transport().getWriteBufferSize() > 64 * 1024);
            }
            try (Subprocess p = exec(CAT, PIPES.withStdout(Redirect.DEVNULL))) {
                p.stdin().write(new byte[8 * 1024 * 1024]);
                p.stdin().drain();
                r.add(p.stdin().transport().getWriteBufferSize() <= 16 * 1024);
                p.stdin().close();
                r.add(p.waitExit());
            }
            return r;
        });
        assertThat(result).containsExactly("blocked", true, true, 0);
    }

    @Test
    void testFiftyMegabytesThroughCat() {
        byte[] input = new byte[50 * 1024 * 1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + (i >>> 13));
        }
        byte[] output = Asyncio.run(() -> {
            try (Subprocess p = exec(CAT, PIPES)) {
                Subprocess.Output out = p.communicate(input);
                assertThat(p.returncode()).isEqualTo(0);
                return out.stdout();
            }
        });
        assertThat(output.length).isEqualTo(input.length);
        assertThat(Arrays.equals(output, input)).isTrue();
    }

    @Test
    void testStderrMergedIntoStdout() {
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("echo out; echo err >&2; echo out2",
                    PIPES.withStdin(Redirect.DEVNULL).withStderr(Redirect.STDOUT))) {
                Subprocess.Output out = p.communicate();
                return Arrays.asList(text(out.stdout()), out.stderr(), p.stderr());
            }
        });
        assertThat(result).containsExactly("out\nerr\nout2\n", null, null);
    }

    @Test
    void testCwdAndFileRedirects(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("in.txt"), "from a file\n");
        Path log = dir.resolve("out.txt");
        var result = Asyncio.run(() -> {
            try (Subprocess p = Asyncio.createSubprocessShell("pwd; cat; echo more >&2",
                    QUIET.withCwd(dir).withStdin(Redirect.file(input)).withStdout(Redirect.file(log))
                            .withStderr(Redirect.appendTo(log)))) {
                return p.waitExit();
            }
        });
        assertThat(result).isEqualTo(0);
        assertThat(Files.readString(log)).contains(dir.toRealPath().toString() + "\n", "from a file\n", "more\n");
    }

    /** asyncio4j's safety net: closing the loop kills a child nobody closed and stops its threads. */
    @Test
    void testLoopCloseKillsRunningChild() {
        long pid = Asyncio.run(() -> exec(BLOCKED, PIPES).pid());
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h != null) {
            h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        assertNoHelperThreads(pid);
    }

    /** On virtual time the clock runs at real speed while a child runs: timeouts around it keep their meaning. */
    @Test
    void testVirtualTimeWaitsForRealChild() {
        var result = VirtualTime.run(() -> {
            List<Object> r = new ArrayList<>();
            try (Subprocess p = Asyncio.createSubprocessShell("sleep 0.3; echo hi", QUIET.withStdout(Redirect.PIPE))) {
                r.add(text(Asyncio.timeout(Duration.ofSeconds(30), scope -> p.communicate().stdout())));
            }
            try (Subprocess p = exec(BLOCKED, QUIET)) {
                try {
                    Asyncio.timeout(Duration.ofMillis(200), scope -> p.waitExit());
                    r.add("exited");
                } catch (TimeoutError expected) {
                    r.add("timed out");
                }
                p.kill();
                r.add(p.waitExit());
            }
            sleep(Duration.ofHours(1)); // no child left: virtual time jumps again
            r.add(Duration.ofNanos(Asyncio.getRunningLoop().time()).toMinutes() >= 60);
            return r;
        });
        assertThat(result).containsExactly("hi\n", "timed out", -SIGKILL, true);
    }

    @Test
    void testBadArguments() {
        assertThatThrownBy(() -> SubprocessOptions.defaults().withStdout(Redirect.STDOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only valid for stderr");
        assertThatThrownBy(() -> SubprocessOptions.defaults().withStdin(Redirect.STDOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stdin");
        assertThatThrownBy(() -> SubprocessOptions.defaults().withLimit(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SubprocessOptions.defaults().withEnv(Map.of("TOKEN", "s3cret")).toString())
                .contains("TOKEN").doesNotContain("s3cret");
        Asyncio.run(() -> {
            assertThatThrownBy(() -> exec(List.of(), PIPES))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            try (Subprocess p = exec(List.of("true"), QUIET.withStdout(Redirect.PIPE))) {
                assertThatThrownBy(() -> p.communicate(new byte[1]))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stdin is not a pipe");
                assertThatThrownBy(() -> p.sendSignal(0)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> p.transport().getPipeTransport(3))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> p.transport().getPipeTransport(1).write(new byte[1]))
                        .isInstanceOf(UnsupportedOperationException.class);
                p.communicate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- helpers

    /* Records a subprocess protocol's events. */
    private static final class Events implements SubprocessProtocol {
        final List<String> log = new ArrayList<>();
        Future<Void> lost;

        @Override
        public void connectionMade(SubprocessTransport transport) {
            lost = Asyncio.getRunningLoop().createFuture();
            log.add("made");
        }

        @Override
        public void pipeDataReceived(int fd, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            log.add("data " + fd + " " + text(b));
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable error) {
            log.add("pipe lost " + fd + (error == null ? "" : " " + error));
        }

        @Override
        public void processExited() {
            log.add("exited");
        }

        @Override
        public void connectionLost(Throwable error) {
            log.add("lost");
            lost.setResult(null);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /* Polls on the loop until the condition holds; a generous bound keeps a loaded machine green. */
    private static void waitUntil(Condition c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            sleep(Duration.ofMillis(10));
        }
    }

    private static String uniqueSleep() {
        return "3600." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    }

    /* No child of ours runs `sleep <marker>`; a child killed asynchronously gets 30 s to go. */
    private static void awaitNoChildRunning(String marker) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.current().children().anyMatch(h -> h.info().arguments()
                .map(a -> Arrays.asList(a).contains(marker)).orElse(false))) {
            assertThat(System.nanoTime()).as("child `sleep %s` still running", marker).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static List<Thread> helperThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(THREAD_PREFIX)).toList();
    }

    /* Every helper thread of `pid` ends (they post their last event just before returning). */
    private static void assertNoHelperThreads(long pid) {
        for (Thread t : helperThreads()) {
            if (t.getName().startsWith(THREAD_PREFIX + pid + "-")) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(t.isAlive()).as("thread %s still alive", t.getName()).isFalse();
            }
        }
    }

    /* The JDK's reaper has collected the child: it is no longer among our children, zombie or not. */
    private static void assertReaped(long pid) {
        assertThat(ProcessHandle.current().children().filter(h -> h.pid() == pid)).isEmpty();
    }
}
