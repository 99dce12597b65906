package dev.asyncio4j.internal;

import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;

/**
 * The engine's door into package-private parts of the public types (the JDK's SharedSecrets pattern),
 * so that those types need no public constructors or setters for the engine's sake.
 */
public final class Access {
    /** Operations on tasks that only the engine performs. */
    public interface Tasks {
        /**
         * Creates a task object; the caller schedules it.
         *
         * @param <T>  the result type
         * @param loop the loop
         * @param coro the coroutine
         * @param name the name or {@code null}
         * @return the new task
         */
        <T> Task<T> create(DefaultEventLoop loop, Coroutine<T> coro, String name);

        /**
         * Returns the fiber that runs the task.
         *
         * @param task the task
         * @return its fiber
         */
        Fiber fiber(Task<?> task);

        /**
         * Returns the future the task is suspended on, if any.
         *
         * @param task the task
         * @return the awaited future or {@code null}
         */
        Future<?> waiter(Task<?> task);

        /**
         * Returns where the task was created (debug mode only).
         *
         * @param task the task
         * @return a throwable whose stack is the creation site, or {@code null}
         */
        Throwable createdAt(Task<?> task);
    }

    /** Operations on futures that only the engine performs. */
    public interface Futures {
        /**
         * Sets what task dumps show a task awaiting {@code future} as.
         *
         * @param future the future
         * @param label  a constant such as {@code "Lock.acquire"}
         */
        void setLabel(Future<?> future, String label);
    }

    private static volatile Tasks tasks;
    private static volatile Futures futures;

    private Access() {
    }

    /**
     * Installs the task operations; called once by {@link Task}'s initializer.
     *
     * @param impl the operations
     * @throws IllegalStateException if already installed
     */
    public static void setTasks(Tasks impl) {
        if (tasks != null) {
            throw new IllegalStateException("task access already installed");
        }
        tasks = impl;
    }

    /**
     * Installs the future operations; called once by {@link Future}'s initializer.
     *
     * @param impl the operations
     * @throws IllegalStateException if already installed
     */
    public static void setFutures(Futures impl) {
        if (futures != null) {
            throw new IllegalStateException("future access already installed");
        }
        futures = impl;
    }

    /* Installed before any future exists: constructing one initializes Future. */
    static Futures futures() {
        return futures;
    }

    static Tasks tasks() {
        Tasks t = tasks;
        if (t == null) {
            try {
                Class.forName(Task.class.getName(), true, Task.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            t = tasks;
        }
        return t;
    }
}
