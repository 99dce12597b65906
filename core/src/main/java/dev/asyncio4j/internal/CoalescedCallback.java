package dev.asyncio4j.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loop callback that any thread may request and that is pending at most once: however many
 * requests arrive before it runs, the loop runs it once (one wake-up for a burst of events from a
 * helper thread). A request made while it runs schedules it again.
 */
final class CoalescedCallback {
    private final DefaultEventLoop loop;
    private final Runnable body;
    private final AtomicBoolean pending = new AtomicBoolean();

    CoalescedCallback(DefaultEventLoop loop, Runnable body) {
        this.loop = loop;
        this.body = body;
    }

    /* Thread-safe; does nothing once the loop is closed. */
    void request() {
        if (pending.compareAndSet(false, true)) {
            loop.callSoonThreadsafeIfOpen(this::run);
        }
    }

    private void run() {
        pending.set(false);
        body.run();
    }
}
