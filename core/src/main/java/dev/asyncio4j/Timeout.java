package dev.asyncio4j;

import dev.asyncio4j.internal.DefaultEventLoop;
import dev.asyncio4j.internal.Sneaky;

/**
 * A deadline for a block of code in the current task: asyncio's {@code asyncio.timeout()} /
 * {@code timeout_at()} context manager, written as a scope that takes the block as a lambda.
 *
 * <pre>{@code
 * try {
 *     String page = Asyncio.timeout(Duration.ofSeconds(5), scope -> fetch(url));
 * } catch (TimeoutError e) {
 *     // fetch(url) was cancelled at the deadline
 * }
 *
 * Asyncio.timeout(null, scope -> {                 // no deadline yet
 *     scope.reschedule(loop.time() + Duration.ofSeconds(1).toNanos());
 *     return work();
 * });
 * }</pre>
 *
 * <p><b>Semantics</b> (CPython 3.13). At the deadline the current task is cancelled; the block sees a
 * {@link CancelledError} at its current or next await and its {@code finally} blocks run. When that
 * cancellation leaves the block, the scope turns it into a {@link TimeoutError} (the cancellation is
 * its cause) and withdraws its cancel request with {@link Task#uncancel()}. If the task was also
 * cancelled by someone else, the {@code CancelledError} passes through unchanged. If the block
 * swallows the cancellation, the scope returns normally and {@link #expired()} tells what happened.
 * Scopes nest: the innermost scope whose deadline passed reports the timeout.
 *
 * <p><b>Why a lambda and not try-with-resources.</b> The scope must replace the block's
 * {@code CancelledError} with a {@code TimeoutError}; {@code AutoCloseable.close()} cannot see, let
 * alone replace, the exception leaving a try block (it can only add a suppressed one). A lambda
 * scope keeps asyncio's exact behaviour.
 *
 * <p>Loop-confined: use it only inside a task; {@link #reschedule} only from that task.
 */
public final class Timeout {
    /**
     * The block a timeout scope runs.
     *
     * @param <T> the block's result type
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs the block.
         *
         * @param scope the scope, to read or move its deadline
         * @return the block's result
         * @throws Exception any failure, rethrown unchanged by the scope
         */
        T run(Timeout scope) throws Exception;
    }

    private enum State {
        ENTERED("active"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("finished");

        final String text;

        State(String text) {
            this.text = text;
        }
    }

    private final DefaultEventLoop loop;
    private final Task<?> task;
    private final int cancellingAtEntry;
    private State state = State.ENTERED;
    private Long when;
    private Handle handle;

    private Timeout(Task<?> task) {
        this.task = task;
        this.loop = task.loop;
        this.cancellingAtEntry = task.cancelling();
    }

    static <T> T within(Long when, Body<T> body) {
        Timeout scope = new Timeout(Combinators.currentTask("timeout()"));
        scope.reschedule(when);
        T value;
        try {
            value = body.run(scope);
        } catch (Throwable e) {
            throw Sneaky.raise(scope.exit(e));
        }
        scope.exit(null);
        return value;
    }

    /**
     * Returns the deadline on the clock of {@link EventLoop#time()}, or {@code null} if there is none.
     *
     * @return the deadline in nanoseconds of loop time, or {@code null}
     */
    public Long when() {
        return when;
    }

    /**
     * Moves the deadline; a deadline already past fires on the next loop iteration.
     *
     * @param when the new deadline in nanoseconds of loop time, or {@code null} for none
     * @throws IllegalStateException if the deadline already fired or the scope has ended
     */
    public void reschedule(Long when) {
        if (state != State.ENTERED) {
            throw new IllegalStateException("Cannot change state of " + state.text + " Timeout");
        }
        this.when = when;
        if (handle != null) {
            handle.cancel();
        }
        if (when == null) {
            handle = null;
        } else if (when <= loop.time()) {
            handle = loop.callSoon(this::onTimeout);
        } else {
            handle = loop.callAt(when, this::onTimeout);
        }
    }

    /**
     * Tells whether the deadline fired.
     *
     * @return {@code true} once the deadline has cancelled the task
     */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    @Override
    public String toString() {
        return "<Timeout [" + state.text + "]" + (when != null ? " when=" + when : "") + ">";
    }

    private void onTimeout() {
        task.cancel();
        state = State.EXPIRING;
        handle = null;
    }

    private Throwable exit(Throwable error) {
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            if (task.uncancel() <= cancellingAtEntry && error != null) {
                if (error instanceof CancelledError) {
                    return new TimeoutError("the deadline of " + this + " passed", error);
                }
                error.addSuppressed(new TimeoutError("the deadline of " + this + " passed while this exception was raised"));
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return error;
    }
}
