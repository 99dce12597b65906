package dev.asyncio4j.bench.jmh;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state and settings every benchmark here shares (JMH's annotations are inherited): one event loop,
 * opened before a trial and closed after it, on which each invocation does one
 * {@code runUntilComplete}; average time in nanoseconds per operation, 5 warm-up and 5 measured
 * iterations of 1 s, one fork. Options on the command line override them ({@code -f 3}, {@code -i 10}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class LoopState {
    /** The loop of the trial. */
    protected EventLoop loop;

    /** Creates the state; JMH does. */
    protected LoopState() {
    }

    /** Opens the loop used by every invocation of the trial. */
    @Setup(Level.Trial)
    public void open() {
        loop = Asyncio.newEventLoop();
    }

    /** Closes it. */
    @TearDown(Level.Trial)
    public void close() {
        loop.close();
    }
}
