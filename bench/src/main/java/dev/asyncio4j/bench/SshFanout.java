package dev.asyncio4j.bench;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import dev.asyncio4j.Semaphore;
import dev.asyncio4j.ssh.SSH;
import dev.asyncio4j.ssh.SSHClientConnection;
import dev.asyncio4j.ssh.SSHOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The {@code ssh-fanout} benchmark, as {@code ../shared/peers/ssh/bench/fanout_asyncssh.py}: N sessions
 * (connect with key auth, run {@code true}, close), at most L in flight ({@code Semaphore(L)}), spread
 * round-robin over the M local sshd ports of a harness started by {@code sshd-up.sh DIR M} (or
 * {@code scripts/sshd-env}). One JSON line: wall time, sessions per second, and this JVM's CPU time
 * per session (OperatingSystemMXBean process CPU time over the timed region).
 *
 * <pre>{@code
 * sudo /work/shared/peers/ssh/sshd-up.sh /tmp/sshh 4 22200
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.asyncio4j.bench.SshFanout \
 *     --dir /tmp/sshh -n 200 -l 50 -m 4
 * {"system": "asyncio4j", "workload": "ssh-fanout", "n": 200, "limit": 50, "ports": 4, "seconds": ...}
 * }</pre>
 *
 * <p>Arguments: {@code --dir DIR} (reads {@code DIR/harness.properties}: host, ports, user, identity,
 * known.hosts), {@code -n N} (200), {@code -l L} (50), {@code -m M} (every port of the harness),
 * {@code --max-startups K} (the client's per-port handshake cap, {@link SSHOptions#maxStartups}, default
 * 8), {@code --warmup W} (20 untimed sessions first, for class loading and JIT). Only 127.0.0.1 is
 * accepted. {@code foreign_cpu_s} is the CPU everything else (sshd included) used meanwhile.
 */
public final class SshFanout {
    private SshFanout() {
    }

    /**
     * Runs the benchmark once and prints its JSON line.
     *
     * @param args see the class comment
     * @throws IOException if the harness files cannot be read
     */
    public static void main(String[] args) throws IOException {
        Options o = new Options(args, "--dir DIR -n N -l L -m M --max-startups K --warmup W");
        String dirName = o.get("--dir", null);
        int n = o.getInt("-n", 200);
        int limit = o.getInt("-l", 50);
        int m = o.getInt("-m", 0);
        int maxStartups = o.getInt("--max-startups", 8);
        int warmup = o.getInt("--warmup", 20);
        if (dirName == null) {
            throw new IllegalArgumentException("--dir DIR (a harness made by sshd-up.sh) is required");
        }
        Path dir = Path.of(dirName);
        Properties h = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("harness.properties"))) {
            h.load(r);
        }
        String host = h.getProperty("host");
        if (!"127.0.0.1".equals(host)) {
            throw new IllegalArgumentException("only 127.0.0.1 is benchmarked, the harness names " + host);
        }
        List<Integer> ports = Arrays.stream(h.getProperty("ports").trim().split("[,\\s]+")).map(Integer::valueOf).toList();
        if (m > 0) {
            if (m > ports.size()) {
                throw new IllegalArgumentException("-m " + m + " but the harness has " + ports.size() + " ports");
            }
            ports = ports.subList(0, m);
        }
        SSHOptions options = SSHOptions.defaults().username(h.getProperty("user")).noConfig().agent(false)
                .clientKeys(Path.of(h.getProperty("identity"))).knownHosts(Path.of(h.getProperty("known.hosts")))
                .maxStartups(maxStartups).connectTimeout(Duration.ofSeconds(120)).loginTimeout(Duration.ofSeconds(120));
        List<Integer> usedPorts = ports;
        int sessions = n;
        int inFlight = limit;
        int warm = warmup;
        String line = Asyncio.run(() -> {
            fanout(host, usedPorts, options, warm, inFlight, new ArrayList<>());
            List<Double> latencies = new ArrayList<>();
            double cpu0 = Machine.processCpuSeconds();
            double busy0 = Machine.machineBusySeconds();
            long t0 = System.nanoTime();
            int failures = fanout(host, usedPorts, options, sessions, inFlight, latencies);
            Collections.sort(latencies);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = Machine.processCpuSeconds() - cpu0;
            double foreign = Machine.machineBusySeconds() - busy0 - cpu;
            return new JsonLine().put("system", Workloads.SYSTEM).put("workload", "ssh-fanout").put("n", sessions)
                    .put("limit", inFlight).put("ports", usedPorts.size()).put("max_startups", options.maxStartups())
                    .put("seconds", seconds, 3).put("per_s", sessions / seconds, 1).put("failures", failures)
                    .put("cpu_s", cpu, 3).put("cpu_ms_per_session", cpu * 1e3 / sessions, 2)
                    .put("lat_ms_p50", percentile(latencies, 0.5), 1).put("lat_ms_p90", percentile(latencies, 0.9), 1)
                    .put("lat_ms_max", percentile(latencies, 1.0), 1)
                    .put("foreign_cpu_s", foreign, 2).put("peak_rss_mb", Machine.peakRssMb(), 1).toString();
        });
        System.out.println(line);
    }

    /** The {@code q} quantile of sorted values (nearest rank, as the asyncssh script), or NaN if none. */
    private static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.max(0, Math.round(q * (sorted.size() - 1)))));
    }

    /**
     * Runs {@code n} sessions, at most {@code limit} at once, round-robin over the ports; adds each
     * successful session's latency in ms (from getting its slot to closing) to {@code latencies} and
     * returns the failures.
     */
    private static int fanout(String host, List<Integer> ports, SSHOptions options, int n, int limit,
            List<Double> latencies) {
        Semaphore slots = new Semaphore(limit);
        List<Future<Object>> sessions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SSHOptions o = options.port(ports.get(i % ports.size()));
            sessions.add(Asyncio.createTask(() -> {
                slots.acquire();
                long t0 = System.nanoTime();
                try {
                    try (SSHClientConnection conn = SSH.connect(host, o)) {
                        int rc = conn.run("true").returncode();
                        if (rc != 0) {
                            throw new IOException("true exited with " + rc);
                        }
                    }
                    latencies.add((System.nanoTime() - t0) / 1e6);
                    return null;
                } finally {
                    slots.release();
                }
            }));
        }
        int failures = 0;
        for (Object r : Asyncio.await(Asyncio.gather(true, sessions))) {
            if (r instanceof Throwable t) {
                failures++;
                if (failures == 1) {
                    System.err.println("ssh-fanout: first failure: " + t);
                }
            }
        }
        return failures;
    }
}
