package dev.asyncio4j.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks read about this process and the machine: peak RSS, own CPU, everybody's CPU. */
final class Machine {
    /** Linux reports /proc/stat in USER_HZ, which is 100 on every architecture the JVM runs on. */
    private static final double USER_HZ = 100.0;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Machine() {
    }

    /**
     * Runs full garbage collections until the heap in use stops shrinking, and returns it.
     *
     * @return bytes of heap in use after GC
     */
    static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used - used / 100) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /**
     * Returns the process's peak resident set size (VmHWM of /proc/self/status).
     *
     * @return megabytes, or -1 where /proc is not readable
     */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report -1
        }
        return -1;
    }

    /**
     * Returns the CPU time used so far by every thread of this process.
     *
     * @return seconds
     */
    static double processCpuSeconds() {
        return OS.getProcessCpuTime() / 1e9;
    }

    /**
     * Returns the time this JVM has spent in garbage-collection pauses so far (the collectors' own
     * accounting; concurrent phases, which run beside the program, are left out).
     *
     * @return seconds
     */
    static double gcPauseSeconds() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().contains("Concurrent") && gc.getCollectionTime() > 0) {
                millis += gc.getCollectionTime();
            }
        }
        return millis / 1e3;
    }

    /**
     * Returns the CPU time the whole machine has spent busy so far (user, nice, system, irq and
     * softirq of the first line of /proc/stat), to tell how much other processes used during a run.
     *
     * @return seconds, or -1 where /proc is not readable
     */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                    + Long.parseLong(f[6]) + Long.parseLong(f[7]);
            return busy / USER_HZ;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
