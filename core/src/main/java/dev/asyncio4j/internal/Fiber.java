package dev.asyncio4j.internal;

import dev.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * One participant in a loop's baton hand-off: a task's virtual thread, or the thread that drives the
 * loop ({@code runForever}). Whoever holds the baton runs; every other participant is parked.
 */
public final class Fiber implements Runnable {
    /** What a task's virtual thread runs, supplied by {@link Task}. */
    public interface Body {
        /** Runs the coroutine and completes the task. */
        void run();

        /**
         * Completes the task as cancelled if a cancellation arrived before it started.
         *
         * @return {@code true} if the task is now done and needs no thread
         */
        boolean cancelledBeforeStart();
    }

    final DefaultEventLoop loop;
    final Task<?> task;
    final Body body;
    volatile Thread thread;
    Fiber eagerReturn;

    /**
     * Creates the fiber of a task; its thread starts when the loop first hands it the baton.
     *
     * @param loop the task's loop
     * @param task the task
     * @param body what the thread runs
     */
    public Fiber(DefaultEventLoop loop, Task<?> task, Body body) {
        this.loop = loop;
        this.task = task;
        this.body = body;
    }

    Fiber(DefaultEventLoop loop, Thread driver) {
        this.loop = loop;
        this.task = null;
        this.body = null;
        this.thread = driver;
    }

    @Override
    public void run() {
        loop.fiberStarted(this);
        try {
            body.run();
        } finally {
            loop.fiberFinished(this);
        }
    }

    /**
     * Renames the task's thread, if it has one.
     *
     * @param name the task's new name
     */
    public void rename(String name) {
        Thread t = thread;
        if (t != null) {
            t.setName(name);
        }
    }

    /**
     * Returns the coroutine's frames where it is suspended, without the loop's own frames.
     *
     * @return innermost first; empty if the thread is not parked in a suspension
     */
    public List<StackTraceElement> coroutineStack() {
        Thread t = thread;
        if (t == null || !t.isAlive() || task == null || task.isDone()) {
            return List.of();
        }
        StackTraceElement[] frames = t.getStackTrace();
        List<StackTraceElement> out = new ArrayList<>(frames.length);
        boolean inEngine = true;
        for (StackTraceElement e : frames) {
            if (e.getClassName().equals(Fiber.class.getName()) && e.getMethodName().equals("run")) {
                break; // the bottom of the task's thread
            }
            if (inEngine && isLibraryFrame(e)) {
                continue; // Task.getStack, Task.await, Asyncio.sleep, the scheduler, park
            }
            inEngine = false;
            out.add(e);
        }
        // the frames that start the coroutine (Task.runCoroutine and its runner) are not the coroutine's
        while (!out.isEmpty() && isLibraryFrame(out.get(out.size() - 1))) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static boolean isLibraryFrame(StackTraceElement e) {
        String cls = e.getClassName();
        return cls.startsWith("dev.asyncio4j.internal.")
                || cls.startsWith("java.")
                || cls.startsWith("jdk.")
                || (cls.startsWith("dev.asyncio4j.") && cls.indexOf('.', "dev.asyncio4j.".length()) < 0);
    }

    Thread newThread(Thread.Builder.OfVirtual builder) {
        return builder.name(task.getName()).unstarted(this);
    }
}
