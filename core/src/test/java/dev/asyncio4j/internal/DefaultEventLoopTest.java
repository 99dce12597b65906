package dev.asyncio4j.internal;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** White-box tests of the engine: task threads, idling, and state between runs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DefaultEventLoopTest {
    private DefaultEventLoop loop;

    @BeforeEach
    void setUp() {
        loop = new DefaultEventLoop();
        loop.setSlowCallbackDuration(Duration.ZERO); // loaded test machines: no stray slow-step reports
    }

    @AfterEach
    void tearDown() {
        if (!loop.isRunning()) {
            loop.close();
        }
    }

    private static Thread threadOf(Task<?> task) {
        return Access.tasks().fiber(task).thread;
    }

    /** Waits a short grace period for threads that are on their way out, then lists the live ones. */
    private static List<Thread> stillAlive(Set<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return threads.stream().filter(Thread::isAlive).toList();
    }

    @Test
    void hundredThousandTasksCompleteAndLeaveNoVirtualThreadAlive() throws Exception {
        List<Task<Integer>> tasks = new ArrayList<>(100_000);
        Thread[] ranOn = new Thread[100_000];
        Thread[] mainRanOn = new Thread[1];
        Task<Long> main = loop.createTask(() -> {
            mainRanOn[0] = Thread.currentThread();
            for (int i = 0; i < 100_000; i++) {
                int k = i;
                tasks.add(createTask(() -> {
                    sleep(Duration.ZERO); // every task suspends once, so they need threads of their own
                    ranOn[k] = Thread.currentThread();
                    return k;
                }));
            }
            long s = 0;
            for (int v : await(gather(tasks))) {
                s += v;
            }
            return s;
        });
        assertThat(loop.runUntilComplete(main)).isEqualTo(100_000L * 99_999 / 2);
        assertThat(loop.allTasks()).isEmpty();
        Set<Thread> threads = new HashSet<>();
        threads.add(mainRanOn[0]);
        for (Thread th : ranOn) {
            assertThat(th).as("every task ran on a thread").isNotNull();
            threads.add(th);
        }
        assertThat(threads).as("suspended tasks cannot share threads").hasSizeGreaterThan(1_000);
        assertThat(threads).allSatisfy(t -> assertThat(t.isVirtual()).isTrue());
        assertThat(stillAlive(threads)).as("task threads alive after the run").isEmpty();
        loop.close();
        assertThat(stillAlive(threads)).isEmpty();
    }

    /**
     * A suspended task's virtual thread keeps its frames in a heap stack chunk for as long as it
     * sleeps, and copies them on every switch: the scheduler loop's frame, which is large once
     * compiled, must not be among them. The task hands the baton on only after that loop returned.
     */
    @Test
    void aSuspendedTaskDoesNotParkInsideTheSchedulerLoop() throws Exception {
        String[] schedulerLoop = new String[1];
        List<String> parkedIn = new ArrayList<>();
        loop.runUntilComplete(loop.createTask(() -> {
            Task<Void> sleeper = createTask(() -> {
                sleep(Duration.ofSeconds(30));
                return null;
            });
            Task<Void> yielder = createTask(() -> {
                for (;;) {
                    sleep(Duration.ZERO);
                }
            });
            // The method that runs callbacks is the one that calls runHandle: name it from a callback.
            loop.callSoon(() -> {
                StackTraceElement[] stack = Thread.currentThread().getStackTrace();
                for (int i = 0; i + 1 < stack.length; i++) {
                    if (stack[i].getMethodName().equals("runHandle")) {
                        schedulerLoop[0] = stack[i + 1].getClassName() + "." + stack[i + 1].getMethodName();
                        break;
                    }
                }
            });
            sleep(Duration.ZERO);
            sleep(Duration.ZERO);
            for (Task<Void> t : List.of(sleeper, yielder)) {
                for (StackTraceElement e : threadOf(t).getStackTrace()) {
                    parkedIn.add(e.getClassName() + "." + e.getMethodName());
                }
                t.cancel();
            }
            return null;
        }));
        assertThat(schedulerLoop[0]).startsWith(DefaultEventLoop.class.getName() + ".");
        assertThat(parkedIn).contains(DefaultEventLoop.class.getName() + ".handTo");
        assertThat(parkedIn).doesNotContain(schedulerLoop[0]);
    }

    /**
     * A done task may be kept long after it finished (a gather's result list, a user's collection):
     * it must not keep its terminated virtual thread, whose continuation and stack would stay
     * reachable with it.
     */
    @Test
    void aDoneTaskNoLongerReferencesItsThread() throws Exception {
        List<Task<Integer>> tasks = new ArrayList<>();
        Set<Thread> ranOn = new HashSet<>();
        Task<Integer> main = loop.createTask(() -> {
            ranOn.add(Thread.currentThread());
            for (int i = 0; i < 50; i++) {
                int k = i;
                tasks.add(createTask(() -> {
                    sleep(k % 2 == 0 ? Duration.ZERO : Duration.ofMillis(1));
                    ranOn.add(Thread.currentThread());
                    return k;
                }));
            }
            int sum = 0;
            for (int v : await(gather(tasks))) {
                sum += v;
            }
            return sum;
        });
        assertThat(loop.runUntilComplete(main)).isEqualTo(49 * 50 / 2);
        assertThat(stillAlive(ranOn)).as("task threads end with their tasks").isEmpty();
        assertThat(threadOf(main)).isNull();
        assertThat(tasks).allSatisfy(t -> {
            assertThat(t.isDone()).isTrue();
            assertThat(threadOf(t)).as("thread of done " + t).isNull();
        });
    }

    @Test
    void closeEndsTheThreadsOfSuspendedTasksAndNeverStartsTheOthers() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Future<Object> never = loop.createFuture();
        List<Task<Object>> suspended = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int k = i;
            suspended.add(loop.createTask(() -> {
                try {
                    if (k % 2 == 0) {
                        return await(never);
                    }
                    sleep(Duration.ofSeconds(30));
                    return null;
                } finally {
                    log.add("finally" + k);
                }
            }));
        }
        loop.runUntilComplete(loop.createTask(() -> {
            sleep(Duration.ofMillis(2));
            return null;
        }));
        assertThat(log).isEmpty();
        Task<Object> unstarted = loop.createTask(() -> "never");
        Set<Thread> threads = new HashSet<>();
        for (Task<Object> t : suspended) {
            Thread th = threadOf(t);
            assertThat(th).isNotNull();
            assertThat(th.isAlive()).as("a suspended task's thread is parked, alive").isTrue();
            threads.add(th);
        }
        assertThat(threads).hasSize(20);
        assertThat(threadOf(unstarted)).isNull();
        List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
        loop.setExceptionHandler((l, c) -> reports.add(c));

        loop.close();

        assertThat(stillAlive(threads)).as("threads of released tasks").isEmpty();
        assertThat(threadOf(unstarted)).as("close must not start a never-started task").isNull();
        assertThat(log).hasSize(20);
        assertThat(reports).hasSize(21)
                .allSatisfy(c -> assertThat(c.get("message")).isEqualTo("Task was destroyed but it is pending!"));
        assertThat(suspended).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
        assertThat(unstarted.isCancelled()).isTrue();
        assertThat(loop.allTasks()).isEmpty();
    }

    @Test
    void aBurstOfShortTasksReusesAFinishedTasksThread() {
        List<Task<Integer>> tasks = new ArrayList<>();
        loop.runUntilComplete(loop.createTask(() -> {
            for (int i = 0; i < 1_000; i++) {
                int k = i;
                tasks.add(createTask(() -> k));
            }
            return await(gather(tasks));
        }));
        Set<Thread> threads = new HashSet<>();
        for (Task<Integer> t : tasks) {
            threads.add(threadOf(t));
        }
        assertThat(threads).as("tasks that never suspend run one after another on a reused thread").hasSizeLessThan(10);
    }

    @Test
    void anIdleLoopParksAndIsWokenByCallSoonThreadsafe() throws Exception {
        AtomicLong wokenAfter = new AtomicLong(-1);
        Thread waker = Thread.ofPlatform().name("waker").start(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!loop.isIdle() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long t0 = System.nanoTime();
            loop.callSoonThreadsafe(() -> {
                wokenAfter.set(System.nanoTime() - t0);
                loop.stop();
            });
        });
        loop.callSoon(() -> { }); // then nothing is scheduled and no timer exists: the loop parks
        loop.runForever();
        waker.join();
        assertThat(wokenAfter.get()).isGreaterThanOrEqualTo(0);
        assertThat(TimeUnit.NANOSECONDS.toMillis(wokenAfter.get())).isLessThan(2_000);
        assertThat(loop.isIdle()).isFalse();
    }

    @Test
    void betweenRunsTheLoopIsNotBoundToAnyThread() throws Exception {
        loop.runUntilComplete(loop.createTask(() -> {
            sleep(Duration.ofMillis(1));
            return null;
        }));
        assertThat(DefaultEventLoop.current()).isNull();
        assertThat(loop.currentTask()).isNull();
        List<String> calls = new ArrayList<>();
        Thread other = Thread.ofPlatform().start(() -> loop.callSoon(() -> calls.add("from another thread between runs")));
        other.join();
        loop.stop();
        loop.runForever();
        assertThat(calls).containsExactly("from another thread between runs");
    }

    @Test
    void callSoonThreadsafeIfOpenIsSilentAfterClose() {
        loop.close();
        loop.callSoonThreadsafeIfOpen(() -> {
            throw new AssertionError("must not run");
        });
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void stepCounterMovesWithEveryCallbackAndTaskStep() {
        long before = loop.stepCount();
        for (int i = 0; i < 10; i++) {
            loop.callSoon(() -> { });
        }
        loop.runUntilComplete(loop.createTask(() -> {
            for (int i = 0; i < 10; i++) {
                sleep(Duration.ZERO);
            }
            return null;
        }));
        assertThat(loop.stepCount() - before).as("the watchdog relies on it").isGreaterThanOrEqualTo(20);
    }

    @Test
    void debugModeRecordsWhereAPendingTaskWasCreated() {
        EventLoop l = loop;
        l.setDebug(true);
        Task<Object> t = l.createTask(() -> null, "traced");
        List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
        l.setExceptionHandler((x, c) -> reports.add(c));
        l.close();
        assertThat(reports).singleElement().satisfies(c -> {
            assertThat(c.get("task")).isSameAs(t);
            assertThat(((Throwable) c.get("source_traceback")).getStackTrace())
                    .anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("debugModeRecordsWhereAPendingTaskWasCreated"));
        });
    }
}
