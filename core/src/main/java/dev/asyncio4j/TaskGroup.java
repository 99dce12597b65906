package dev.asyncio4j;

import dev.asyncio4j.internal.DefaultEventLoop;
import dev.asyncio4j.internal.Sneaky;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A scope that owns the tasks created in it and does not end before they do: asyncio's
 * {@code TaskGroup}, written as a scope that takes its body as a lambda.
 *
 * <pre>{@code
 * List<Task<String>> pages = TaskGroup.run(tg -> List.of(
 *         tg.createTask(() -> fetch("a")),
 *         tg.createTask(() -> fetch("b"))));
 * // here both tasks are done: pages.get(0).result(), pages.get(1).result()
 * }</pre>
 *
 * <p><b>Semantics</b> (CPython 3.13, plus 3.15's {@link #cancel()}). {@code run} returns once the body
 * and every task created in the group are done. The first task that fails cancels the group's other
 * tasks and the body; when all have finished, every failure (never a {@link CancelledError}) is thrown
 * together as a {@link TaskGroupException}, in the order they happened. A failure of the body counts as
 * one of them. If the task running the group is cancelled from outside, the children are cancelled and
 * the {@code CancelledError} propagates once they are done. An {@link Error} other than
 * {@code CancelledError} (Python's non-{@code Exception} {@code BaseException}s) is rethrown as itself.
 *
 * <p><b>Why a lambda and not try-with-resources.</b> The group must see the body's exception (to cancel
 * the children) and replace a {@code CancelledError} it caused with the group's failures;
 * {@code AutoCloseable.close()} can do neither.
 *
 * <p>Loop-confined: create tasks only from the loop's tasks and callbacks.
 */
public final class TaskGroup {
    /**
     * The body of a task group.
     *
     * @param <T> the body's result type
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs the body.
         *
         * @param group the group, to create tasks in
         * @return the body's result, returned by {@link TaskGroup#run} once all tasks are done
         * @throws Exception any failure; it cancels the group's tasks
         */
        T run(TaskGroup group) throws Exception;
    }

    private final DefaultEventLoop loop;
    private final Task<?> parent;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final Consumer<Future<?>> onTaskDone = f -> onTaskDone((Task<?>) f);
    private Throwable baseError;
    private boolean exiting;
    private boolean aborting;
    private boolean parentCancelRequested;
    private Future<Boolean> onCompleted;

    private TaskGroup(Task<?> parent) {
        this.parent = parent;
        this.loop = parent.loop;
    }

    /**
     * Runs {@code body} in a new task group of the current task and waits for all of its tasks.
     *
     * @param <T>  the body's result type
     * @param body creates the group's tasks
     * @return the body's result, or {@code null} if the group was stopped by {@link #cancel()}
     * @throws TaskGroupException    if any task (or the body) failed
     * @throws CancelledError        if the current task was cancelled from outside
     * @throws IllegalStateException if called outside a task
     */
    public static <T> T run(Body<T> body) {
        TaskGroup group = new TaskGroup(Combinators.currentTask("TaskGroup.run()"));
        T value = null;
        Throwable bodyError = null;
        try {
            value = body.run(group);
        } catch (Throwable e) {
            bodyError = e;
        }
        Throwable error = group.exit(bodyError);
        if (error != null) {
            throw Sneaky.raise(error);
        }
        return bodyError == null ? value : null;
    }

    /**
     * Creates a task in this group.
     *
     * @param <T>  the result type
     * @param coro the task's body
     * @return the new task
     * @throws IllegalStateException if the group has finished or is shutting down
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /**
     * Creates a named task in this group.
     *
     * @param <T>  the result type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for {@code Task-N}
     * @return the new task
     * @throws IllegalStateException if the group has finished or is shutting down
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        if (exiting && tasks.isEmpty()) {
            throw new IllegalStateException("TaskGroup " + this + " is finished");
        }
        if (aborting) {
            throw new IllegalStateException("TaskGroup " + this + " is shutting down");
        }
        Task<T> task = loop.createTask(coro, name);
        // Even a task that finished eagerly is tracked and handled by the scheduled done callback:
        // handling its failure inline would abort the group before the task creating it (itself
        // possibly still starting eagerly) is tracked, and that task would escape cancellation
        // (CPython gh-128550).
        task.groupParent = parent;
        tasks.add(task);
        task.addCallback(onTaskDone);
        return task;
    }

    /**
     * Cancels the group: every task of the group that is not done and the body are cancelled, and
     * {@link #run} then returns normally (with {@code null}) instead of throwing
     * {@link CancelledError}. Idempotent; does nothing once the group has finished (Python 3.15).
     */
    public void cancel() {
        if (exiting && tasks.isEmpty()) {
            return;
        }
        if (!aborting) {
            abort();
        }
        if (!parentCancelRequested && !exiting) {
            parentCancelRequested = true;
            parent.cancel();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<TaskGroup");
        if (!tasks.isEmpty()) {
            sb.append(" tasks=").append(tasks.size());
        }
        if (!errors.isEmpty()) {
            sb.append(" errors=").append(errors.size());
        }
        if (aborting) {
            sb.append(" cancelling");
        } else if (!exiting) {
            sb.append(" entered");
        }
        return sb.append('>').toString();
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : tasks) {
            if (!t.isDone()) {
                t.cancel();
            }
        }
    }

    private static boolean isBaseError(Throwable e) {
        return e instanceof Error && !(e instanceof CancelledError);
    }

    private Throwable exit(Throwable bodyError) {
        exiting = true;
        if (bodyError != null && isBaseError(bodyError) && baseError == null) {
            baseError = bodyError;
        }
        Throwable propagateCancellation = bodyError instanceof CancelledError ? bodyError : null;
        if (bodyError != null && !aborting) {
            abort();
        }
        while (!tasks.isEmpty()) {
            if (onCompleted == null) {
                onCompleted = new GroupExit(this);
            }
            try {
                parent.await(onCompleted);
            } catch (CancelledError e) {
                if (!aborting) {
                    propagateCancellation = e;
                    abort();
                }
            }
            onCompleted = null;
        }
        if (baseError != null) {
            return baseError;
        }
        if (parentCancelRequested && parent.uncancel() == 0) {
            propagateCancellation = null;
        }
        if (propagateCancellation != null && errors.isEmpty()) {
            return propagateCancellation;
        }
        if (bodyError != null && !(bodyError instanceof CancelledError)) {
            errors.add(bodyError);
        }
        if (!errors.isEmpty()) {
            if (parent.cancelling() > 0) {
                parent.uncancel();
                parent.cancel();
            }
            return new TaskGroupException("unhandled errors in a TaskGroup", errors);
        }
        return null;
    }

    /** The future a group's exit awaits; task dumps show the group's tasks under it. */
    private static final class GroupExit extends Future<Boolean> {
        private final TaskGroup group;

        GroupExit(TaskGroup group) {
            super(group.loop);
            this.group = group;
            setLabel("TaskGroup exit");
        }

        @Override
        List<? extends Future<?>> awaitedChildren() {
            return List.copyOf(group.tasks);
        }
    }

    private void onTaskDone(Task<?> task) {
        tasks.remove(task);
        if (onCompleted != null && tasks.isEmpty() && !onCompleted.isDone()) {
            onCompleted.setResult(true);
        }
        if (task.isCancelled()) {
            return;
        }
        Throwable error = task.exception();
        if (error == null) {
            return;
        }
        errors.add(error);
        if (isBaseError(error) && baseError == null) {
            baseError = error;
        }
        if (parent.isDone()) {
            loop.callExceptionHandler(Map.of(
                    "message", "Task " + task + " has errored out but its parent task " + parent + " is already completed",
                    "exception", error,
                    "task", task));
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            parentCancelRequested = true;
            parent.cancel();
        }
    }
}
