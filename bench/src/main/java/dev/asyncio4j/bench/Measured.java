package dev.asyncio4j.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What one timed pass of a workload measured: the operations done, the wall time of the timed region,
 * the CPU this process and other processes used meanwhile, and the workload's own extra fields.
 *
 * @param n                 operations done
 * @param seconds           wall time of the timed region
 * @param cpuSeconds        this process's CPU time over it (all threads)
 * @param foreignCpuSeconds CPU time other processes used over it, or -1 if unknown
 * @param gcPauseSeconds    time this JVM spent in GC pauses within it
 * @param extras            workload-specific fields, in order
 */
record Measured(int n, double seconds, double cpuSeconds, double foreignCpuSeconds, double gcPauseSeconds,
        List<Extra> extras) {

    /** A workload-specific field, printed with {@code decimals} places. */
    record Extra(String key, double value, int decimals) {
    }

    Measured {
        extras = List.copyOf(extras);
    }

    Measured with(String key, double value, int decimals) {
        List<Extra> more = new ArrayList<>(extras);
        more.add(new Extra(key, value, decimals));
        return new Measured(n, seconds, cpuSeconds, foreignCpuSeconds, gcPauseSeconds, more);
    }

    /** The run's JSON line: the peers' six fields first, then extras and diagnostics. */
    String toJson(String workload, double peakRssMb, double baselineRssMb) {
        JsonLine line = new JsonLine()
                .put("system", Workloads.SYSTEM)
                .put("workload", workload)
                .put("n", n)
                .put("seconds", seconds, 6)
                .put("ops_per_s", n / seconds, 1)
                .put("peak_rss_mb", peakRssMb, 1);
        for (Extra e : extras) {
            if (e.decimals() == 0) {
                line.put(e.key(), Math.round(e.value()));
            } else {
                line.put(e.key(), e.value(), e.decimals());
            }
        }
        line.put("baseline_rss_mb", baselineRssMb, 1)
                .put("cpu_s", cpuSeconds, 3);
        if (foreignCpuSeconds >= 0) {
            line.put("foreign_cpu_s", foreignCpuSeconds, 2);
        }
        line.put("gc_pause_s", gcPauseSeconds, 3);
        return line.put("version", "asyncio4j / JDK " + Runtime.version()).toString();
    }
}
