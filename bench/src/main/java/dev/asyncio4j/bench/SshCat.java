package dev.asyncio4j.bench;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Task;
import dev.asyncio4j.ssh.SSH;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHClientProcess;
import dev.asyncio4j.ssh.SSHOptions;
import dev.asyncio4j.ssh.internal.MinaClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * The {@code ssh-cat} benchmark: bulk throughput of one SSH channel, N bytes written to {@code cat}'s
 * stdin (with {@code drain()}) while a second task reads them back from its stdout, over one connection
 * to the main sshd of {@code scripts/sshd-env}. The cipher can be forced, to compare them; the client
 * encrypts and decrypts every byte once, and so does sshd. One JSON line: wall time, MB/s (of the N
 * bytes, each of which crosses the connection twice), this JVM's CPU time and CPU per MB, and the
 * cipher and MAC the session negotiated (the MAC is unused with the AEAD ciphers).
 *
 * <pre>{@code
 * sudo scripts/sshd-env up
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.asyncio4j.bench.SshCat \
 *     --cipher aes128-gcm@openssh.com --bytes 268435456
 * {"system": "asyncio4j", "workload": "ssh-cat", "cipher": "aes128-gcm@openssh.com", "bytes": ..., "seconds": ...}
 * }</pre>
 *
 * <p>Arguments: {@code --env FILE} (the {@code .sshd-env} written by {@code scripts/sshd-env up};
 * default {@code .sshd-env}), {@code --cipher NAME} (offer only this cipher; {@code default}, the
 * default, keeps the client's own preference order), {@code --bytes N} (256 MiB), {@code --warmup N}
 * (32 MiB streamed untimed first, on the same connection, for the JIT). Forcing a cipher replaces the
 * process-wide MINA client's cipher list, which is why this is a program of its own.
 */
public final class SshCat {
    private static final int BLOCK = 64 * 1024;

    private SshCat() {
    }

    /**
     * Runs the benchmark once and prints its JSON line.
     *
     * @param args see the class comment
     * @throws IOException if the env file cannot be read
     */
    public static void main(String[] args) throws IOException {
        Options o = new Options(args, "--env FILE --cipher NAME --bytes N --warmup N");
        Path envFile = Path.of(o.get("--env", ".sshd-env"));
        String cipher = o.get("--cipher", "default");
        long bytes = o.getLong("--bytes", 256L << 20);
        long warmup = o.getLong("--warmup", 32L << 20);
        Properties env = new Properties();
        try (Reader r = Files.newBufferedReader(envFile)) {
            env.load(r);
        }
        if (!"default".equals(cipher)) {
            offerOnly(cipher);
        }
        Map<KexProposalOption, String> negotiated = new ConcurrentHashMap<>();
        MinaClient.get().addSessionListener(new SessionListener() {
            @Override
            public void sessionNegotiationEnd(Session session, Map<KexProposalOption, String> client,
                    Map<KexProposalOption, String> server, Map<KexProposalOption, String> result, Throwable reason) {
                if (result != null) {
                    negotiated.putAll(result);
                }
            }
        });
        SSHOptions options = SSHOptions.defaults().port(Integer.parseInt(env.getProperty("port.main")))
                .username(env.getProperty("user")).noConfig().agent(false)
                .clientKeys(Path.of(env.getProperty("dir")).resolve("id_ed25519"))
                .knownHosts(Path.of(env.getProperty("known.hosts"))).loginTimeout(Duration.ofSeconds(60));
        String host = env.getProperty("host");
        long n = bytes;
        long warm = warmup;
        String name = cipher;
        String line = Asyncio.run(() -> {
            try (SSHClientConnection conn = SSH.connect(host, options)) {
                stream(conn, warm);
                double cpu0 = Machine.processCpuSeconds();
                double busy0 = Machine.machineBusySeconds();
                long t0 = System.nanoTime();
                stream(conn, n);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = Machine.processCpuSeconds() - cpu0;
                double foreign = Machine.machineBusySeconds() - busy0 - cpu;
                return new JsonLine().put("system", Workloads.SYSTEM).put("workload", "ssh-cat").put("cipher", name)
                        .put("negotiated", negotiated.get(KexProposalOption.C2SENC) + " " + negotiated.get(KexProposalOption.C2SMAC))
                        .put("bytes", n).put("seconds", seconds, 3).put("mb_per_s", n / 1e6 / seconds, 1)
                        .put("cpu_s", cpu, 3).put("cpu_ms_per_mb", cpu * 1e3 / (n / 1e6), 2)
                        .put("foreign_cpu_s", foreign, 2).put("peak_rss_mb", Machine.peakRssMb(), 1).toString();
            }
        });
        System.out.println(line);
    }

    /** Makes the shared client offer {@code name} as its only cipher. */
    private static void offerOnly(String name) {
        SshClient client = MinaClient.get();
        List<NamedFactory<Cipher>> only = client.getCipherFactories().stream().filter(f -> f.getName().equals(name)).toList();
        if (only.isEmpty()) {
            throw new IllegalArgumentException("unknown cipher " + name + "; the client has "
                    + client.getCipherFactories().stream().map(NamedFactory::getName).toList());
        }
        client.setCipherFactories(only);
    }

    /** Streams {@code n} bytes through {@code cat} and checks that as many came back. */
    private static void stream(SSHClientConnection conn, long n) throws IOException {
        try (SSHClientProcess p = conn.createProcess("cat")) {
            Task<Long> reader = Asyncio.createTask(() -> {
                long got = 0;
                for (byte[] b = p.stdout().read(Integer.MAX_VALUE); b.length > 0; b = p.stdout().read(Integer.MAX_VALUE)) {
                    got += b.length;
                }
                return got;
            });
            byte[] block = new byte[BLOCK];
            for (long left = n; left > 0; left -= BLOCK) {
                p.stdin().write(java.nio.ByteBuffer.wrap(block, 0, (int) Math.min(BLOCK, left)));
                p.stdin().drain();
            }
            p.stdin().writeEof();
            long got = Asyncio.await(reader);
            int rc = p.waitExit();
            if (got != n || rc != 0) {
                throw new IOException("cat returned " + got + " of " + n + " bytes and exited with " + rc);
            }
        }
    }
}
