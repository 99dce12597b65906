package dev.asyncio4j.bench.jmh;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.EventLoop;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state every benchmark here starts from: one event loop, opened before a trial and closed after
 * it, on which each invocation does one {@code runUntilComplete}.
 */
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
