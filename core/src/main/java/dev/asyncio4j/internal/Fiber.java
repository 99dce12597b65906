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
    /** An interrupt of this fiber's thread, cleared while the engine parks it, to restore later. */
    boolean interrupted;
    /** Links in the loop's list of live tasks (an intrusive list: O(1) without hashing). */
    Fiber prevLive;
    Fiber nextLive;
    boolean live;

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

    /*
     * A thread whose task has finished runs the scheduler to pass the baton on; when the next ready
     * task has never run, the thread adopts it and runs it here instead of starting a new thread, so
     * a burst of short tasks costs one virtual thread, not one each.
     *
     * Once the baton has left it, a finished fiber forgets its thread: a done task may be kept for a
     * long time (a gather's list, a user's collection), and a terminated virtual thread still holds
     * its continuation and stack. Until then the field must stay: the loop checks that whoever runs
     * callbacks is the holder's thread. Nobody reads a done fiber's thread after the hand-off.
     */
    @Override
    public void run() {
        Fiber fiber = this;
        while (fiber != null) {
            loop.fiberStarted(fiber);
            try {
                fiber.body.run();
            } finally {
                Fiber next = loop.fiberFinished(fiber);
                fiber.thread = null;
                fiber = next;
            }
        }
    }

    /**
     * Renames the task's thread, if it has one and the loop is in debug mode (otherwise task threads
     * are unnamed, since a finished task's thread may go on to run another task).
     *
     * @param name the task's new name
     */
    public void rename(String name) {
        Thread t = thread;
        if (t != null && loop.getDebug()) {
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
        boolean leading = true;
        for (StackTraceElement e : frames) {
            if (e.getClassName().equals(Fiber.class.getName()) && e.getMethodName().equals("run")) {
                break;
            }
            if (leading && isLibraryFrame(e)) {
                continue;
            }
            leading = false;
            out.add(e);
        }
        // the frames that start the coroutine (Task.runCoroutine and its runner) are not the coroutine's
        while (!out.isEmpty() && isLibraryFrame(out.get(out.size() - 1))) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Whether a frame belongs to the JDK or to this library (not to user code in the same package). */
    private static boolean isLibraryFrame(StackTraceElement e) {
        String name = e.getClassName();
        if (name.startsWith("java.") || name.startsWith("jdk.")) {
            return true;
        }
        if (!name.startsWith("dev.asyncio4j.")) {
            return false;
        }
        try {
            Class<?> c = Class.forName(name, false, Fiber.class.getClassLoader());
            return c.getProtectionDomain().getCodeSource() != null
                    && c.getProtectionDomain().getCodeSource().equals(Fiber.class.getProtectionDomain().getCodeSource());
        } catch (ClassNotFoundException | LinkageError | SecurityException ex) {
            return false;
        }
    }

    Thread newThread(Thread.Builder.OfVirtual builder, boolean named) {
        return named ? builder.name(task.getName()).unstarted(this) : builder.unstarted(this);
    }
}
