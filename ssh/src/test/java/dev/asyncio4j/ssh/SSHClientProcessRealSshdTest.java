package dev.asyncio4j.ssh;

import static dev.asyncio4j.Asyncio.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.IncompleteReadError;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** createProcess streams against the real OpenSSH servers of scripts/sshd-env. */
class SSHClientProcessRealSshdTest {
    private SshdEnv env;

    @BeforeEach
    void sshd() {
        env = SshdEnv.require();
    }

    private SSHOptions options() {
        return SSHOptions.defaults().port(env.port("main")).username(env.user()).noConfig().agent(false)
                .knownHosts(env.knownHosts()).clientKeys(env.key("id_ed25519")).loginTimeout(Duration.ofSeconds(60));
    }

    private interface Body {
        void run(SSHClientConnection conn) throws Exception;
    }

    private void withConnection(Body body) {
        Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options())) {
                body.run(conn);
            }
            return null;
        });
    }

    /** The seed's second program's shape: write to stdin, read lines and exact counts from stdout. */
    @Test
    void readlineReadexactlyReaduntilAndLines() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("sort; printf 'abc:def'; echo oops >&2; exit 4")) {
                p.stdin().write("pear\napple\nfig\n".getBytes(UTF_8));
                p.stdin().drain();
                p.stdin().writeEof();
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("apple\n");
                assertThat(new String(p.stdout().readexactly(4), UTF_8)).isEqualTo("fig\n");
                List<String> rest = new ArrayList<>();
                for (byte[] line : p.stdout().lines()) {
                    rest.add(new String(line, UTF_8));
                }
                assertThat(rest).containsExactly("pear\n", "abc:def");
                assertThat(new String(p.stderr().read(-1), UTF_8)).isEqualTo("oops\n");
                assertThat(p.waitExit()).isEqualTo(4);
                assertThat(p.exitStatus()).isEqualTo(4);
            }
            try (SSHClientProcess p = conn.createProcess("printf 'k1=v1;k2'")) {
                assertThat(new String(p.stdout().readuntil(";".getBytes(UTF_8)), UTF_8)).isEqualTo("k1=v1;");
                assertThatThrownBy(() -> p.stdout().readexactly(5)).isInstanceOf(IncompleteReadError.class);
                assertThat(p.waitExit()).isZero();
            }
        });
    }

    /**
     * 100 MB of output read chunk by chunk without keeping it: every byte arrives, and the reader's
     * limit (not the output size) bounds what is buffered, since a paused reader stops the SSH window.
     */
    @Test
    void hundredMegabytesStreamed() {
        long size = 100L * 1000 * 1000;
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("head -c " + size + " /dev/zero")) {
                long total = 0;
                long nonZero = 0;
                while (true) {
                    byte[] chunk = p.stdout().read(1 << 20);
                    if (chunk.length == 0) {
                        break;
                    }
                    total += chunk.length;
                    for (byte b : chunk) {
                        nonZero += b;
                    }
                }
                assertThat(total).isEqualTo(size);
                assertThat(nonZero).isZero();
                assertThat(p.waitExit()).isZero();
            }
        });
    }

    /** 32 MB through `cat` both ways at once, with drain() pacing the writer: same bytes back. */
    @Test
    void catRoundTripWithDrain() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("cat")) {
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                Task<byte[]> reader = Asyncio.createTask(() -> {
                    MessageDigest got = MessageDigest.getInstance("SHA-256");
                    long n = 0;
                    for (byte[] chunk = p.stdout().read(65536); chunk.length > 0; chunk = p.stdout().read(65536)) {
                        got.update(chunk);
                        n += chunk.length;
                    }
                    assertThat(n).isEqualTo(32L << 20);
                    return got.digest();
                });
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 512; i++) {
                    for (int j = 0; j < block.length; j += 4096) {
                        block[j] = (byte) (i * 31 + j);
                    }
                    sent.update(block);
                    p.stdin().write(block.clone());
                    p.stdin().drain();
                }
                p.stdin().writeEof();
                assertThat(HexFormat.of().formatHex(await(reader))).isEqualTo(HexFormat.of().formatHex(sent.digest()));
                assertThat(p.waitExit()).isZero();
            }
        });
    }

    /**
     * A gibibyte through `cat` in bounded memory: {@link BigCat} streams it in a child JVM whose heap
     * (48 MiB) is far smaller than the stream, so buffering that grows with it would fail with
     * OutOfMemoryError. Both SHA-256 digests match, cat exits 0, and the peaks BigCat observed stay within
     * the limits: the stdin transport's buffer within its high-water mark plus one write, the stdout
     * reader's within the pause threshold (twice its limit) plus one 64 KiB channel read.
     * {@code -Dasyncio4j.bigcat.bytes=N} changes the size.
     */
    @Test
    void gibibyteThroughCatInSmallHeap() throws Exception {
        long size = Long.getLong("asyncio4j.bigcat.bytes", 1L << 30);
        Path log = Files.createTempFile("a4j-bigcat", ".txt");
        // Parallel GC gives up (OutOfMemoryError) once collecting frees nothing, where the default
        // collector can thrash for many minutes; the child then exits at once.
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), BigCat.class.getName(),
                env.host(), Integer.toString(env.port("main")), env.user(), env.key("id_ed25519").toString(),
                env.knownHosts().toString(), Long.toString(size))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean finished = child.waitFor(15, TimeUnit.MINUTES);
            String output = Files.readString(log);
            assertThat(finished).as("BigCat finished within 15 minutes: %s", output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            Properties report = new Properties();
            report.load(new StringReader(output));
            assertThat(report.getProperty("received_bytes")).isEqualTo(Long.toString(size));
            assertThat(report.getProperty("received_sha256")).isEqualTo(report.getProperty("sent_sha256"));
            assertThat(report.getProperty("exit")).isEqualTo("0");
            assertThat(Long.parseLong(report.getProperty("max_heap"))).isLessThanOrEqualTo(48L << 20);
            assertThat(Long.parseLong(report.getProperty("peak_write_buffer"))).as(output)
                    .isPositive().isLessThanOrEqualTo(Long.parseLong(report.getProperty("write_high"))
                            + Long.parseLong(report.getProperty("write_block")));
            assertThat(Long.parseLong(report.getProperty("peak_read_buffer"))).as(output)
                    .isPositive().isLessThanOrEqualTo(2L * Long.parseLong(report.getProperty("read_limit")) + 65536);
        } finally {
            child.destroyForcibly().waitFor();
            Files.deleteIfExists(log);
        }
    }

    /** Input checked by the remote side: sha256sum of what we streamed in equals ours. */
    @Test
    void stdinChecksumOnTheServer() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("sha256sum")) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] block = "0123456789abcdef".repeat(4096).getBytes(UTF_8);
                for (int i = 0; i < 256; i++) {
                    md.update(block);
                    p.stdin().write(block);
                    p.stdin().drain();
                }
                p.stdin().close();
                String remote = new String(p.stdout().read(-1), UTF_8).split(" ")[0];
                assertThat(remote).isEqualTo(HexFormat.of().formatHex(md.digest()));
                assertThat(p.waitExit()).isZero();
            }
        });
    }

    /** A wait for the exit that times out leaves the process waitable: the exit is still reported. */
    @Test
    void timedOutWaitExitCanBeRetried() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("echo ready; exec sleep 600")) {
                assertThat(new String(p.stdout().readline(), UTF_8)).isEqualTo("ready\n");
                assertThatThrownBy(() -> Asyncio.timeout(Duration.ofMillis(200), scope -> p.waitExit()))
                        .isInstanceOf(TimeoutError.class);
                p.terminate();
                assertThat(p.waitExit()).isEqualTo(-15);
                assertThat(p.exitSignal()).isEqualTo("TERM");
            }
        });
    }

    /** Writing after writeEof is a programming error, reported at once. */
    @Test
    void writeAfterEofRefused() {
        withConnection(conn -> {
            try (SSHClientProcess p = conn.createProcess("cat")) {
                p.stdin().writeEof();
                assertThatThrownBy(() -> p.stdin().write(new byte[] {1})).isInstanceOf(IllegalStateException.class);
                assertThat(p.stdout().read(-1)).isEmpty();
                assertThat(p.waitExit()).isZero();
            }
        });
    }

    /**
     * With maxSessions(3), twelve concurrent commands all complete, and the server never sees more
     * than three at once (each command counts the others running beside it in a shared directory).
     */
    @Test
    void maxSessionsQueuesChannels() {
        String dir = "/tmp/a4j-sessions-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<String> counts = Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(env.host(), options().maxSessions(3))) {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    tasks.add(Asyncio.createTask(() -> conn.run("mkdir -p " + dir + " && touch " + dir + "/$$ && sleep 0.3"
                            + " && ls " + dir + " | wc -l && rm " + dir + "/$$", SSHRunOptions.defaults().check(true))
                            .stdout().strip()));
                }
                List<String> result = await(Asyncio.gather(tasks));
                conn.run("rmdir " + dir);
                return result;
            }
        });
        assertThat(counts).hasSize(12).allSatisfy(c -> assertThat(Integer.parseInt(c)).isBetween(1, 3));
    }
}
