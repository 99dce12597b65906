package dev.asyncio4j.reliability;

import dev.asyncio4j.ReturnWhen;
import java.util.List;

/**
 * One statement of a random {@link Program}. Every statement that can block does so for a bounded
 * time (a timeout, or waiting for tasks the same body spawned), so a correct engine finishes every
 * program; {@link Interpreter} gives the meaning of each.
 */
sealed interface Op {
    /** Sleeps {@code ms} of loop time; 0 yields once. */
    record Sleep(int ms) implements Op {
    }

    /** Throws a {@link ProgramFailure}. */
    record Fail() implements Op {
    }

    /** Cancels the current task: its next await throws {@code CancelledError}. */
    record CancelSelf() implements Op {
    }

    /** Starts a task running {@code body}; main joins it at the end. */
    record Spawn(List<Op> body) implements Op {
    }

    /** Waits (without taking its outcome) for a task this body spawned: the {@code back}-th latest, modulo. */
    record AwaitTask(int back) implements Op {
    }

    /** Cancels a task this body spawned: the {@code back}-th latest, modulo. */
    record CancelTask(int back) implements Op {
    }

    /** Awaits {@code gather} of one task per child body. */
    record Gather(boolean returnExceptions, List<List<Op>> children) implements Op {
    }

    /** {@code Asyncio.wait} for one task per child body; tasks still pending are left running. */
    record Wait(int timeoutMs, ReturnWhen returnWhen, List<List<Op>> children) implements Op {
    }

    /** {@code waitFor} a task running {@code body}, with a timeout. */
    record WaitFor(int timeoutMs, List<Op> body) implements Op {
    }

    /**
     * A {@code TaskGroup} with one task per child body, whose own body runs {@code body}; the group's
     * tasks count as spawned by the enclosing body (so {@link AwaitTask} and {@link CancelTask} reach them).
     */
    record Group(List<List<Op>> children, List<Op> body) implements Op {
    }

    /** Runs {@code body} in a {@code timeout} scope. */
    record Timeout(int ms, List<Op> body) implements Op {
    }

    /** Awaits {@code shield} of a task running {@code body}. */
    record Shield(List<Op> body) implements Op {
    }

    /** Runs {@code body} (which never waits for tasks) holding lock {@code lock}. */
    record WithLock(int lock, List<Op> body) implements Op {
    }

    /** Runs {@code body} (which never waits for tasks) holding a permit of semaphore {@code sem}. */
    record WithPermit(int sem, List<Op> body) implements Op {
    }

    /** Waits on the condition for at most {@code timeoutMs}. */
    record CondWait(int timeoutMs) implements Op {
    }

    /** Notifies one or all waiters of the condition. */
    record CondNotify(boolean all) implements Op {
    }

    /** Sets event {@code event}. */
    record EventSet(int event) implements Op {
    }

    /** Clears event {@code event}. */
    record EventClear(int event) implements Op {
    }

    /** Waits for event {@code event} for at most {@code timeoutMs}. */
    record EventWait(int event, int timeoutMs) implements Op {
    }

    /** Puts a fresh item in queue {@code queue}, giving up after {@code timeoutMs}. */
    record Put(int queue, int timeoutMs) implements Op {
    }

    /** Gets an item from queue {@code queue}, giving up after {@code timeoutMs}. */
    record Get(int queue, int timeoutMs) implements Op {
    }

    /** Runs a trivial job with {@code toThread} (a real executor thread, even under virtual time). */
    record ToThread() implements Op {
    }
}
