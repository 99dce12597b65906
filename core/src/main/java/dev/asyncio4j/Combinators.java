package dev.asyncio4j;

import dev.asyncio4j.internal.Deadlines;
import dev.asyncio4j.internal.DefaultEventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/*
 * Implementation overview: gather, wait, wait_for, as_completed and shield as in CPython's tasks.py
 * (3.12/3.13), built on Future done-callbacks and Task.await. Each keeps asyncio's observable
 * behaviour: gather's results in argument order and its cancel semantics (bpo-32684), wait's
 * no-cancel-on-timeout, wait_for's cancel-then-TimeoutError, shield's one-way cancellation.
 */

/** The combinators behind {@link Asyncio}'s static methods. */
final class Combinators {
    private Combinators() {
    }

    static DefaultEventLoop loopOf(Collection<? extends Future<?>> fs, String what) {
        DefaultEventLoop loop = null;
        for (Future<?> f : fs) {
            Objects.requireNonNull(f, what + ": null future");
            if (loop == null) {
                loop = f.loop;
            } else if (f.loop != loop) {
                throw new IllegalArgumentException(what + ": futures belong to different event loops");
            }
        }
        return loop != null ? loop : DefaultEventLoop.running(what);
    }

    static Task<?> currentTask(String what) {
        DefaultEventLoop loop = DefaultEventLoop.current();
        Task<?> task = loop != null ? loop.currentTask() : null;
        if (task == null) {
            throw new IllegalStateException(what + " must be called inside a task"
                    + (loop == null ? " (no event loop runs in this thread: start one with Asyncio.run(...))"
                            : " (it was called from a plain callback; create a task with loop.createTask(...))"));
        }
        return task;
    }

    // ---------------------------------------------------------------- gather

    static Future<List<Object>> gather(List<? extends Future<?>> args, boolean returnExceptions) {
        DefaultEventLoop loop = loopOf(args, "gather()");
        if (args.isEmpty()) {
            Future<List<Object>> outer = loop.createFuture();
            outer.setResult(new ArrayList<>());
            return outer;
        }
        List<Future<?>> children = new ArrayList<>(args.size());
        List<Future<?>> distinct = new ArrayList<>(args.size());
        Map<Future<?>, Boolean> seen = new IdentityHashMap<>(args.size());
        for (Future<?> f : args) {
            children.add(f);
            if (seen.put(f, Boolean.TRUE) == null) {
                distinct.add(f);
            }
        }
        GatheringFuture outer = new GatheringFuture(loop, children, distinct.size(), returnExceptions);
        List<Future<?>> alreadyDone = new ArrayList<>();
        for (Future<?> f : distinct) {
            if (f.isDone()) {
                alreadyDone.add(f);
            } else {
                f.addCallback(outer.childDone);
            }
        }
        // As CPython 3.12+: children done before the call are processed at once, in argument order,
        // so a gather whose children are all done is itself done on return (awaiting it does not
        // suspend), and its failure is the first failed child's.
        for (Future<?> f : alreadyDone) {
            outer.childDone.accept(f);
        }
        return outer;
    }

    private static final class GatheringFuture extends Future<List<Object>> {
        private final List<Future<?>> children;
        private final int distinct;
        private final boolean returnExceptions;
        private int finished;
        private boolean cancelRequested;
        final Consumer<Future<?>> childDone = this::onChildDone;

        GatheringFuture(DefaultEventLoop loop, List<Future<?>> children, int distinct, boolean returnExceptions) {
            super(loop);
            this.children = children;
            this.distinct = distinct;
            this.returnExceptions = returnExceptions;
        }

        @Override
        public boolean cancel(String message) {
            if (isDone()) {
                return false;
            }
            boolean any = false;
            for (Future<?> child : children) {
                if (child.cancel(message)) {
                    any = true;
                }
            }
            if (any) {
                cancelRequested = true;
            }
            return any;
        }

        private void onChildDone(Future<?> child) {
            finished++;
            if (isDone()) {
                if (!child.isCancelled()) {
                    child.exception();
                }
                return;
            }
            if (!returnExceptions) {
                if (child.isCancelled()) {
                    setException(child.cancelledError());
                    return;
                }
                Throwable error = child.exception();
                if (error != null) {
                    setException(error);
                    return;
                }
            }
            if (finished == distinct) {
                List<Object> results = new ArrayList<>(children.size());
                for (Future<?> f : children) {
                    if (f.isCancelled()) {
                        results.add(new CancelledError(f.cancelMessage()));
                    } else {
                        Throwable error = f.exception();
                        results.add(error != null ? error : f.result());
                    }
                }
                if (cancelRequested) {
                    setException(child.cancelledError());
                } else {
                    setResult(results);
                }
            }
        }

        @Override
        String kind() {
            return "GatheringFuture";
        }

        @Override
        String label() {
            return "gather of " + children.size();
        }

        @Override
        List<? extends Future<?>> awaitedChildren() {
            return children;
        }
    }

    // ---------------------------------------------------------------- wait

    static <F extends Future<?>> DoneAndPending<F> waitFutures(Collection<F> fs, Duration timeout, ReturnWhen returnWhen) {
        Objects.requireNonNull(returnWhen, "returnWhen");
        if (fs.isEmpty()) {
            throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
        }
        Task<?> task = currentTask("wait()");
        Set<F> all = new LinkedHashSet<>(fs);
        DefaultEventLoop loop = loopOf(all, "wait()");
        Future<Void> waiter = loop.createFuture();
        Set<F> done = new LinkedHashSet<>();
        int[] counter = {all.size()};
        TimerHandle[] timeoutHandle = {null};
        if (timeout != null) {
            timeoutHandle[0] = loop.callLater(timeout, () -> {
                if (!waiter.isDone()) {
                    waiter.setResult(null);
                }
            });
        }
        @SuppressWarnings("unchecked")
        Consumer<Future<?>> onCompletion = f -> {
            counter[0]--;
            done.add((F) f);
            if (counter[0] <= 0 || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || (returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.isCancelled() && f.exception() != null)) {
                if (timeoutHandle[0] != null) {
                    timeoutHandle[0].cancel();
                }
                if (!waiter.isDone()) {
                    waiter.setResult(null);
                }
            }
        };
        for (F f : all) {
            f.addCallback(onCompletion);
        }
        try {
            task.await(waiter);
        } finally {
            if (timeoutHandle[0] != null) {
                timeoutHandle[0].cancel();
            }
            for (F f : all) {
                f.removeCallback(onCompletion);
            }
        }
        Set<F> finished = new LinkedHashSet<>();
        for (F f : done) {
            if (f.isDone()) {
                finished.add(f);
            }
        }
        Set<F> pending = new LinkedHashSet<>();
        for (F f : all) {
            if (f.isDone()) {
                finished.add(f);
            } else {
                pending.add(f);
            }
        }
        return new DoneAndPending<>(finished, pending);
    }

    // ---------------------------------------------------------------- wait_for

    static <T> T waitFor(Future<T> fut, Duration timeout) {
        Task<?> task = currentTask("waitFor()");
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            if (fut.isDone()) {
                return fut.result();
            }
            cancelAndWait(task, fut);
            try {
                return fut.result();
            } catch (CancelledError e) {
                throw new TimeoutError("waitFor() timed out", e);
            }
        }
        return Timeout.within(timeout == null ? null : Deadlines.after(fut.loop.time(), timeout),
                scope -> task.await(fut));
    }

    private static void cancelAndWait(Task<?> task, Future<?> fut) {
        Future<Void> waiter = fut.loop.createFuture();
        Consumer<Future<?>> release = f -> {
            if (!waiter.isDone()) {
                waiter.setResult(null);
            }
        };
        fut.addCallback(release);
        try {
            fut.cancel();
            task.await(waiter);
        } finally {
            fut.removeCallback(release);
        }
    }

    // ---------------------------------------------------------------- as_completed

    static <F extends Future<?>> Iterable<F> asCompleted(Collection<F> fs, Duration timeout) {
        Set<F> todo = new LinkedHashSet<>(fs);
        DefaultEventLoop loop = loopOf(todo, "asCompleted()");
        return new AsCompleted<>(loop, todo, timeout);
    }

    private static final class AsCompleted<F extends Future<?>> implements Iterable<F>, Iterator<F> {
        private final DefaultEventLoop loop;
        private final Set<F> todo;
        private final ArrayDeque<Object> done = new ArrayDeque<>();
        private final Consumer<Future<?>> onCompletion = this::onCompletion;
        private final TimerHandle timeoutHandle;
        private int remaining;
        private Future<Void> waiter;
        private static final Object TIMED_OUT = new Object();

        AsCompleted(DefaultEventLoop loop, Set<F> todo, Duration timeout) {
            this.loop = loop;
            this.todo = todo;
            this.remaining = todo.size();
            for (F f : todo) {
                f.addCallback(onCompletion);
            }
            this.timeoutHandle = timeout != null && !todo.isEmpty() ? loop.callLater(timeout, this::onTimeout) : null;
        }

        private void onCompletion(Future<?> f) {
            if (!todo.remove(f)) {
                return;
            }
            done.add(f);
            if (todo.isEmpty() && timeoutHandle != null) {
                timeoutHandle.cancel();
            }
            wake();
        }

        private void onTimeout() {
            for (F f : todo) {
                f.removeCallback(onCompletion);
                done.add(TIMED_OUT);
            }
            todo.clear();
            wake();
        }

        private void wake() {
            if (waiter != null && !waiter.isDone()) {
                waiter.setResult(null);
            }
        }

        /*
         * As CPython 3.13's _AsCompletedIterator.__iter__/__aiter__, which return self: iterating
         * again after a break resumes where the previous loop stopped.
         */
        @Override
        public Iterator<F> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public F next() {
            if (remaining == 0) {
                throw new NoSuchElementException("every future has been returned");
            }
            Task<?> task = currentTask("asCompleted().next()");
            while (done.isEmpty()) {
                waiter = loop.createFuture();
                task.await(waiter);
            }
            remaining--;
            Object next = done.poll();
            if (next == TIMED_OUT) {
                throw new TimeoutError("asCompleted() timed out with " + (remaining + 1) + " futures not done");
            }
            return (F) next;
        }
    }

    // ---------------------------------------------------------------- shield

    static <T> Future<T> shield(Future<T> inner) {
        if (inner.isDone()) {
            return inner;
        }
        Future<T> outer = inner.loop.createFuture();
        Consumer<Future<T>> innerDone = f -> {
            if (outer.isCancelled()) {
                if (!f.isCancelled()) {
                    f.exception();
                }
                return;
            }
            if (outer.isDone()) {
                return;
            }
            if (f.isCancelled()) {
                outer.cancel();
            } else if (f.exception() != null) {
                outer.setException(f.exception());
            } else {
                outer.setResult(f.result());
            }
        };
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.isDone()) {
                inner.removeDoneCallback(innerDone);
            }
        });
        return outer;
    }
}
