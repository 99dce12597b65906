package dev.asyncio4j.reliability;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.currentTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.shield;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static dev.asyncio4j.Asyncio.waitFor;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Condition;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.DoneAndPending;
import dev.asyncio4j.Event;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Lock;
import dev.asyncio4j.Permit;
import dev.asyncio4j.Queue;
import dev.asyncio4j.QueueEmpty;
import dev.asyncio4j.Semaphore;
import dev.asyncio4j.Task;
import dev.asyncio4j.TaskDump;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TimeoutError;
import dev.asyncio4j.internal.DefaultEventLoop;
import dev.asyncio4j.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Runs one {@link Program} on a fresh event loop, records a trace of what happened (loop time, task,
 * event), and checks the runtime's invariants during and after the run. Not thread-safe; one
 * interpreter per run.
 *
 * <p>Invariants checked: each task ends exactly once (one done callback, a state that matches what its
 * coroutine did); the finally block of every started coroutine runs; no task, timer, task thread or
 * executor thread is left once the loop is closed; locks and semaphores are never over-held and are
 * back to their initial state; every queue item put is either got or still in the queue, once; a
 * {@code TaskGroup} never returns while one of its tasks is running; nothing is reported to the loop's
 * exception handler; and the program finishes within its bounded loop time (a lost wake-up would
 * make it wait for the one-hour deadline instead).
 */
final class Interpreter {
    static final int LOCKS = 2;
    static final int EVENTS = 2;
    static final int[] SEMAPHORE_VALUES = {1, 2};
    static final int[] QUEUE_SIZES = {1, 3};
    /** Far beyond what any generated program needs (each statement is bounded by a few ms of loop time). */
    static final Duration DEADLINE = Duration.ofHours(1);
    private static final Duration THREAD_END = Duration.ofSeconds(20);

    /** What a run left behind: its trace and the invariant violations found. */
    record Outcome(List<String> trace, List<String> violations, int tasks) {
        String describe() {
            StringBuilder sb = new StringBuilder();
            violations.forEach(v -> sb.append("\n  violation: ").append(v));
            int from = Math.max(0, trace.size() - 60);
            sb.append("\n  trace").append(from > 0 ? " (last 60 events)" : "").append(':');
            trace.subList(from, trace.size()).forEach(e -> sb.append("\n    ").append(e));
            return sb.toString();
        }
    }

    /** A task the program created, and what was seen of it. */
    private static final class Tracked {
        final String name;
        Task<?> task;
        int doneCalls;
        boolean started;
        boolean finallyRan;
        String bodyOutcome;

        Tracked(String name) {
            this.name = name;
        }
    }

    private final Program program;
    private final boolean virtualTime;
    private final List<String> trace = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Tracked> tracked = new ArrayList<>();
    private final Set<Thread> taskThreads = ConcurrentHashMap.newKeySet();
    private final Set<Thread> executorThreads = ConcurrentHashMap.newKeySet();
    private final List<Map<String, Object>> reports = new ArrayList<>();
    private final List<Integer> put = new ArrayList<>();
    private final List<Integer> got = new ArrayList<>();
    private final int[] lockHolders = new int[LOCKS];
    private final int[] permitHolders = new int[SEMAPHORE_VALUES.length];
    private DefaultEventLoop loop;
    private Lock[] locks;
    private Semaphore[] semaphores;
    private Condition condition;
    private Event[] events;
    private List<Queue<Integer>> queues;
    private int nextItem;

    private Interpreter(Program program, boolean virtualTime) {
        this.program = program;
        this.virtualTime = virtualTime;
    }

    /**
     * Runs {@code program} on a new loop, virtual-time or real, and closes the loop.
     *
     * @param program     the program
     * @param virtualTime whether the loop runs on virtual time
     * @return the trace and the violations
     */
    static Outcome run(Program program, boolean virtualTime) {
        return new Interpreter(program, virtualTime).execute();
    }

    private Outcome execute() {
        EventLoop l = virtualTime ? VirtualTime.newEventLoop() : Asyncio.newEventLoop();
        loop = (DefaultEventLoop) l;
        loop.setEagerTasks(program.eager());
        loop.setSlowCallbackDuration(Duration.ZERO); // a loaded machine's pauses are not the program's
        loop.setExceptionHandler((ignored, context) -> reports.add(context));
        Tracked main = new Tracked("main");
        try {
            Task<Void> task = loop.createTask(() -> main(main), main.name);
            track(main, task);
            loop.runUntilComplete(task);
        } catch (Throwable e) {
            violations.add("the main task failed: " + e);
        } finally {
            long shutdownStart = System.nanoTime();
            if (!loop.shutdownDefaultExecutor(THREAD_END)) {
                violations.add("the default executor did not shut down within " + THREAD_END + " (returned after "
                        + Duration.ofNanos(System.nanoTime() - shutdownStart) + ", caller interrupted: "
                        + Thread.currentThread().isInterrupted() + "); its threads: " + describeThreads(executorThreads));
            }
            loop.close();
        }
        checkAfterClose(main);
        return new Outcome(List.copyOf(trace), List.copyOf(violations), tracked.size());
    }

    // ---------------------------------------------------------------- main and bodies

    private Void main(Tracked me) {
        Task<?> self = currentTask();
        locks = new Lock[LOCKS];
        for (int i = 0; i < LOCKS; i++) {
            locks[i] = new Lock();
        }
        semaphores = new Semaphore[SEMAPHORE_VALUES.length];
        for (int i = 0; i < semaphores.length; i++) {
            semaphores[i] = new Semaphore(SEMAPHORE_VALUES[i]);
        }
        condition = new Condition();
        events = new Event[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = new Event();
        }
        queues = new ArrayList<>();
        for (int size : QUEUE_SIZES) {
            queues.add(new Queue<>(size));
        }
        try {
            Asyncio.timeout(DEADLINE, scope -> {
                try {
                    runBody(me, program.main());
                } catch (CancelledError e) {
                    if (scope.expired()) {
                        throw e;
                    }
                } catch (Throwable e) {
                    // a failure of main's body ends the body, as it would end a task
                }
                if (scope.expired()) {
                    throw new CancelledError("deadline");
                }
                while (self.cancelling() > 0) {
                    self.uncancel(); // a cancelSelf of main that its body did not await
                }
                joinAll();
                return null;
            });
        } catch (TimeoutError e) {
            violations.add("the program did not finish within " + DEADLINE + " of loop time (a lost wake-up?); tasks:\n"
                    + TaskDump.of(loop).format());
            for (Tracked t : tracked) {
                t.task.cancel();
            }
            joinAll();
        }
        sleep(Duration.ZERO); // lets the done callbacks of the tasks joined last run
        checkEndState(self);
        return null;
    }

    private void joinAll() {
        for (;;) {
            List<Task<?>> pending = new ArrayList<>();
            for (Tracked t : tracked) {
                if (!t.task.isDone()) {
                    pending.add(t.task);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            Asyncio.wait(pending);
        }
    }

    private Task<Void> spawn(List<Op> body, BiFunction<Coroutine<Void>, String, Task<Void>> create) {
        Tracked t = new Tracked("T" + tracked.size());
        tracked.add(t);
        Task<Void> task = create.apply(() -> runBody(t, body), t.name);
        track(t, task);
        return task;
    }

    private void track(Tracked t, Task<?> task) {
        t.task = task;
        task.addDoneCallback(f -> {
            t.doneCalls++;
            if (!f.isCancelled()) {
                f.exception(); // retrieved: a failed task is part of the program, not a report
            }
            log(t.name + " done " + state(f));
        });
    }

    private Void runBody(Tracked me, List<Op> body) {
        taskThreads.add(Thread.currentThread());
        me.started = true;
        log("start");
        try {
            exec(body, new ArrayList<>());
            me.bodyOutcome = "returned";
            log("return");
            return null;
        } catch (CancelledError e) {
            me.bodyOutcome = "cancelled";
            log("cancelled");
            throw e;
        } catch (RuntimeException | Error e) {
            me.bodyOutcome = "raised";
            log("raised " + e.getClass().getSimpleName());
            throw e;
        } finally {
            me.finallyRan = true;
        }
    }

    // ---------------------------------------------------------------- statements

    private void exec(List<Op> body, List<Task<?>> mine) {
        for (Op op : body) {
            switch (op) {
                case Op.Sleep s -> {
                    log("sleep " + s.ms());
                    sleep(Duration.ofMillis(s.ms()));
                }
                case Op.Fail f -> {
                    log("fail");
                    throw new ProgramFailure();
                }
                case Op.CancelSelf c -> log("cancel self -> " + currentTask().cancel());
                case Op.Spawn s -> mine.add(spawn(s.body(), loop::createTask));
                case Op.AwaitTask a -> {
                    if (!mine.isEmpty()) {
                        Task<?> t = pick(mine, a.back());
                        Asyncio.wait(List.of(t));
                        log("waited for " + t.getName() + ": " + state(t));
                    }
                }
                case Op.CancelTask c -> {
                    if (!mine.isEmpty()) {
                        Task<?> t = pick(mine, c.back());
                        log("cancel " + t.getName() + " -> " + t.cancel());
                    }
                }
                case Op.Gather g -> {
                    List<Task<Void>> children = spawnAll(g.children());
                    try {
                        await(gather(g.returnExceptions(), children));
                        log("gather returned");
                    } catch (Exception e) {
                        log("gather raised " + e.getClass().getSimpleName());
                    }
                }
                case Op.Wait w -> {
                    List<Task<Void>> children = spawnAll(w.children());
                    if (!children.isEmpty()) {
                        DoneAndPending<Task<Void>> r = Asyncio.wait(children, Duration.ofMillis(w.timeoutMs()), w.returnWhen());
                        log("wait: " + r.done().size() + " done, " + r.pending().size() + " pending");
                    }
                }
                case Op.WaitFor w -> {
                    Task<Void> t = spawn(w.body(), loop::createTask);
                    try {
                        waitFor(t, Duration.ofMillis(w.timeoutMs()));
                        log("waitFor returned");
                    } catch (Exception e) {
                        log("waitFor raised " + e.getClass().getSimpleName());
                    }
                }
                case Op.Group g -> group(g, mine);
                case Op.Timeout t -> {
                    try {
                        Asyncio.timeout(Duration.ofMillis(t.ms()), scope -> {
                            exec(t.body(), mine);
                            return null;
                        });
                    } catch (TimeoutError e) {
                        log("timed out");
                    }
                }
                case Op.Shield s -> {
                    Task<Void> t = spawn(s.body(), loop::createTask);
                    try {
                        await(shield(t));
                        log("shield returned");
                    } catch (Exception e) {
                        log("shield raised " + e.getClass().getSimpleName());
                    }
                }
                case Op.WithLock l -> {
                    try (Permit p = locks[l.lock()].acquire()) {
                        holding(lockHolders, l.lock(), 1, "lock", () -> exec(l.body(), mine));
                    }
                }
                case Op.WithPermit p -> {
                    try (Permit permit = semaphores[p.sem()].acquire()) {
                        holding(permitHolders, p.sem(), SEMAPHORE_VALUES[p.sem()], "semaphore", () -> exec(p.body(), mine));
                    }
                }
                case Op.CondWait c -> bounded(c.timeoutMs(), () -> condition.withLock(() -> {
                    condition.await();
                    log("condition notified");
                    return null;
                }));
                case Op.CondNotify c -> condition.withLock(() -> {
                    log(c.all() ? "notify all" : "notify");
                    if (c.all()) {
                        condition.signalAll();
                    } else {
                        condition.signal();
                    }
                    return null;
                });
                case Op.EventSet e -> {
                    log("set event" + e.event());
                    events[e.event()].set();
                }
                case Op.EventClear e -> {
                    log("clear event" + e.event());
                    events[e.event()].clear();
                }
                case Op.EventWait e -> bounded(e.timeoutMs(), () -> {
                    events[e.event()].await();
                    log("event" + e.event() + " seen");
                    return null;
                });
                case Op.Put p -> {
                    int item = nextItem++;
                    bounded(p.timeoutMs(), () -> {
                        queues.get(p.queue()).put(item);
                        put.add(item);
                        log("put " + item);
                        return null;
                    });
                }
                case Op.Get g -> bounded(g.timeoutMs(), () -> {
                    Integer item = queues.get(g.queue()).get();
                    got.add(item);
                    log("got " + item);
                    return null;
                });
                case Op.ToThread t -> {
                    toThread(() -> executorThreads.add(Thread.currentThread()));
                    log("toThread returned");
                }
            }
        }
    }

    private void group(Op.Group g, List<Task<?>> mine) {
        List<Task<?>> members = new ArrayList<>();
        try {
            TaskGroup.run(tg -> {
                for (List<Op> child : g.children()) {
                    members.add(spawn(child, tg::createTask));
                }
                mine.addAll(members); // the body may wait for or cancel the group's tasks
                exec(g.body(), mine);
                return null;
            });
            log("group returned");
        } catch (Exception e) {
            log("group raised " + e.getClass().getSimpleName());
        } finally {
            for (Task<?> m : members) {
                if (!m.isDone()) {
                    violations.add("TaskGroup.run returned while its task " + m.getName() + " was still running");
                }
            }
        }
    }

    private List<Task<Void>> spawnAll(List<List<Op>> bodies) {
        List<Task<Void>> tasks = new ArrayList<>();
        for (List<Op> body : bodies) {
            tasks.add(spawn(body, loop::createTask));
        }
        return tasks;
    }

    private static Task<?> pick(List<Task<?>> tasks, int back) {
        return tasks.get(tasks.size() - 1 - back % tasks.size());
    }

    private void bounded(int ms, Coroutine<Void> body) {
        try {
            Asyncio.timeout(Duration.ofMillis(ms), scope -> body.call());
        } catch (TimeoutError e) {
            log("gave up after " + ms + "ms");
        }
    }

    private void holding(int[] holders, int index, int limit, String what, Runnable body) {
        holders[index]++;
        if (holders[index] > limit) {
            violations.add(what + index + " held by " + holders[index] + " tasks at once (limit " + limit + ")");
        }
        try {
            log(what + index + " acquired");
            body.run();
        } finally {
            holders[index]--;
        }
    }

    // ---------------------------------------------------------------- invariants

    /** Runs in main once every task has been joined. */
    private void checkEndState(Task<?> self) {
        Set<Task<?>> left = new HashSet<>(loop.allTasks());
        left.remove(self);
        if (!left.isEmpty()) {
            violations.add("tasks left after every task was joined: " + left);
        }
        if (loop.pendingTimers() != 0) {
            violations.add(loop.pendingTimers() + " timers left after every task was joined");
        }
        for (int i = 0; i < LOCKS; i++) {
            Lock.Statistics s = locks[i].statistics();
            if (s.locked() || s.waiters() != 0) {
                violations.add("lock" + i + " not back to its initial state: " + s);
            }
        }
        for (int i = 0; i < semaphores.length; i++) {
            Semaphore.Statistics s = semaphores[i].statistics();
            if (s.value() != SEMAPHORE_VALUES[i] || s.waiters() != 0) {
                violations.add("semaphore" + i + " not back to its initial state (value " + SEMAPHORE_VALUES[i] + "): " + s);
            }
        }
        Condition.Statistics cs = condition.statistics();
        if (cs.waiters() != 0 || cs.lock().locked()) {
            violations.add("condition not back to its initial state: " + cs);
        }
        for (int i = 0; i < EVENTS; i++) {
            if (events[i].statistics().waiters() != 0) {
                violations.add("event" + i + " still has waiters: " + events[i].statistics());
            }
        }
        checkQueues();
        for (Tracked t : tracked) {
            checkEnded(t);
        }
    }

    private void checkQueues() {
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            Queue<Integer> q = queues.get(i);
            if (q.statistics().getters() != 0 || q.statistics().putters() != 0) {
                violations.add("queue" + i + " still has waiters: " + q.statistics());
            }
            for (;;) {
                try {
                    remaining.add(q.getNowait());
                } catch (QueueEmpty e) {
                    break;
                }
            }
        }
        List<Integer> out = new ArrayList<>(got);
        out.addAll(remaining);
        if (out.size() != new HashSet<>(out).size()) {
            violations.add("a queue item came out twice: got " + got + ", remaining " + remaining);
        }
        if (!new HashSet<>(out).equals(new HashSet<>(put))) {
            violations.add("queue items lost or invented: put " + put + ", got " + got + ", remaining " + remaining);
        }
    }

    private void checkEnded(Tracked t) {
        Future<?> f = t.task;
        if (!f.isDone()) {
            violations.add(t.name + " is not done after the join");
            return;
        }
        if (t.doneCalls != 1) {
            violations.add(t.name + " ran its done callback " + t.doneCalls + " times");
        }
        if (t.started && !t.finallyRan) {
            violations.add(t.name + " started but its finally block never ran");
        }
        String state = state(f);
        boolean consistent = switch (t.bodyOutcome == null ? "never started" : t.bodyOutcome) {
            case "never started" -> !t.started && f.isCancelled();
            case "returned" -> state.equals("result") || state.equals("cancelled");
            case "cancelled" -> state.equals("cancelled");
            default -> state.startsWith("exception");
        };
        if (!consistent) {
            violations.add(t.name + " ended " + state + " but its coroutine " + (t.bodyOutcome == null ? "never started" : t.bodyOutcome));
        }
    }

    private void checkAfterClose(Tracked main) {
        List<Tracked> all = new ArrayList<>(tracked);
        all.add(main);
        for (Tracked t : all) {
            if (t.doneCalls != 1) {
                violations.add(t.name + " ran its done callback " + t.doneCalls + " times (after close)");
            }
        }
        for (Map<String, Object> report : reports) {
            violations.add("reported to the exception handler: " + report.get("message")
                    + (report.get("exception") != null ? " " + report.get("exception") : ""));
        }
        for (Thread t : executorThreads) {
            if (t.isAlive()) {
                violations.add("executor thread " + t + " alive after the loop closed");
            }
        }
        long deadline = System.nanoTime() + THREAD_END.toNanos();
        for (Thread t : taskThreads) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                violations.add("a task's virtual thread is still alive " + THREAD_END + " after the loop closed: " + t);
            }
        }
    }

    private static String describeThreads(Set<Thread> threads) {
        StringBuilder sb = new StringBuilder();
        for (Thread t : threads) {
            sb.append("\n    ").append(t).append(' ').append(t.getState());
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("\n      at ").append(e);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- trace

    private void log(String event) {
        Task<?> t = currentTask();
        trace.add(String.format("%6.1fms %-5s %s", loop.time() / 1e6, t == null ? "-" : t.getName(), event));
    }

    private static String state(Future<?> f) {
        if (f.isCancelled()) {
            return "cancelled";
        }
        if (!f.isDone()) {
            return "pending";
        }
        Throwable e = f.exception();
        return e == null ? "result" : "exception " + e.getClass().getSimpleName();
    }
}
