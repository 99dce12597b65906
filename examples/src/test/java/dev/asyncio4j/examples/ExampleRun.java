package dev.asyncio4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/** One run of an example: the lines it printed and how long it took, in time units. */
record ExampleRun(List<String> lines, double units) {
    /** The time unit of the tests (the programs' one second, scaled down). */
    static final Duration UNIT = Duration.ofMillis(50);

    /** Runs {@code example} with {@link #UNIT}, capturing what it prints. */
    static ExampleRun of(BiConsumer<PrintStream, Duration> example) {
        return of(example, UNIT);
    }

    static ExampleRun of(BiConsumer<PrintStream, Duration> example, Duration unit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, UTF_8);
        long start = System.nanoTime();
        example.accept(out, unit);
        long elapsed = System.nanoTime() - start;
        return new ExampleRun(bytes.toString(UTF_8).lines().toList(), (double) elapsed / unit.toNanos());
    }

    /**
     * Runs {@code example} {@code times} times and returns the fastest run. Other builds share this
     * machine's cores, and their noise only ever adds time; the fastest run is the program's own
     * timing shape. A sequential program cannot pass a "less than 2 units" check this way, since a
     * sleep never returns early.
     */
    static ExampleRun fastestOf(int times, BiConsumer<PrintStream, Duration> example) {
        ExampleRun best = null;
        for (int i = 0; i < times; i++) {
            ExampleRun run = of(example);
            if (best == null || run.units() < best.units()) {
                best = run;
            }
        }
        return best;
    }

    /** Runs {@code example} once with a tiny unit and discards the run, so timed runs skip class loading and JIT warm-up. */
    static void warmUp(BiConsumer<PrintStream, Duration> example) {
        of(example, Duration.ofMillis(1));
    }
}
