package dev.asyncio4j.internal;

import java.util.concurrent.locks.LockSupport;

/*
 * Implementation overview: timing every step with System.nanoTime() would cost two clock reads per
 * task switch, a noticeable share of a ~0.2 µs switch. Instead the loop bumps a step counter with a
 * plain (opaque) store at every step, and this thread samples it a few times per threshold: a counter
 * that has not moved while the loop is not idle means one step has held the loop for that long. The
 * report names the step's task or callback and carries its thread's stack at the time it was caught.
 * One watchdog runs per runForever() in debug mode and is joined when the run ends, so no thread
 * outlives a run.
 */

/** Detects a step that holds its loop longer than the slow-step threshold. */
final class Watchdog implements Runnable {
    private final DefaultEventLoop loop;
    private final long thresholdNanos;
    private final Thread thread;
    private volatile boolean stopped;

    Watchdog(DefaultEventLoop loop, long thresholdNanos) {
        this.loop = loop;
        this.thresholdNanos = thresholdNanos;
        this.thread = Thread.ofPlatform().daemon().name("asyncio4j-watchdog").unstarted(this);
        thread.start();
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        DefaultEventLoop.joinQuietly(thread);
    }

    @Override
    public void run() {
        long period = Math.max(1_000_000L, thresholdNanos / 4);
        long seenStep = -1;
        long since = System.nanoTime();
        long reportedStep = -1;
        while (!stopped) {
            LockSupport.parkNanos(this, period);
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            long step = loop.stepCount();
            if (loop.isIdle() || step != seenStep) {
                seenStep = step;
                since = now;
                continue;
            }
            if (step != reportedStep && now - since >= thresholdNanos) {
                reportedStep = step;
                loop.reportSlowStep(now - since);
            }
        }
    }
}
