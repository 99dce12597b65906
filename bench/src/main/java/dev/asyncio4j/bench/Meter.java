package dev.asyncio4j.bench;

import java.util.List;

/**
 * A stopwatch for the timed region of one pass: wall time by {@link System#nanoTime()}, plus the CPU
 * time of this process and of the whole machine and this JVM's GC pause time, read just outside the
 * clock readings.
 */
final class Meter {
    private final double busy0;
    private final double cpu0;
    private final double gc0;
    private final long t0;

    private Meter() {
        busy0 = Machine.machineBusySeconds();
        cpu0 = Machine.processCpuSeconds();
        gc0 = Machine.gcPauseSeconds();
        t0 = System.nanoTime();
    }

    /** Starts the clock. */
    static Meter start() {
        return new Meter();
    }

    /**
     * Stops the clock.
     *
     * @param n the operations done
     * @return what was measured
     */
    Measured stop(int n) {
        long t1 = System.nanoTime();
        double gc1 = Machine.gcPauseSeconds();
        double cpu1 = Machine.processCpuSeconds();
        double busy1 = Machine.machineBusySeconds();
        double cpu = cpu1 - cpu0;
        double foreign = busy0 < 0 || busy1 < 0 ? -1 : Math.max(0, (busy1 - busy0) - cpu);
        return new Measured(n, (t1 - t0) / 1e9, cpu, foreign, gc1 - gc0, List.of());
    }
}
