package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.testing.VirtualTime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The task dump shows each live task, what it awaits, who awaits it, and where it is suspended. */
class TaskDumpTest {

    private static void napInWorker() {
        sleep(Duration.ofSeconds(30));
    }

    /** Builds: main → TaskGroup{ gatherer → gather(sleeper, futureWaiter) , loner awaiting a future }. */
    private static TaskDump buildTreeAndDump() {
        return Asyncio.run(() -> {
            Future<String> never = getRunningLoop().createFuture();
            TaskDump[] dump = new TaskDump[1];
            Task<Object> body = createTask(() -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Task<Void> sleeper = createTask(() -> { napInWorker(); return null; }, "sleeper");
                    Task<String> futureWaiter = createTask(() -> await(never), "future-waiter");
                    return await(gather(sleeper, futureWaiter));
                }, "gatherer");
                tg.createTask(() -> await(never), "loner");
                sleep(Duration.ofMillis(20));
                dump[0] = TaskDump.of(getRunningLoop());
                tg.cancel();
                return null;
            }), "body");
            await(body);
            return dump[0];
        });
    }

    @Test
    void dumpShowsWhatEachTaskAwaitsAndWhoAwaitsIt() {
        TaskDump dump = buildTreeAndDump();
        Map<String, TaskDump.Entry> byName = dump.tasks().stream()
                .collect(Collectors.toMap(TaskDump.Entry::name, Function.identity()));
        assertThat(byName).containsKeys("body", "gatherer", "sleeper", "future-waiter", "loner");
        assertThat(byName.get("body").state()).isEqualTo("running");
        assertThat(byName.get("gatherer").awaiting()).isEqualTo("gather of 2");
        assertThat(byName.get("gatherer").awaitedBy()).containsExactly("body");
        assertThat(byName.get("sleeper").awaiting()).isEqualTo("sleep 30s");
        assertThat(byName.get("sleeper").awaitedBy()).containsExactly("gatherer");
        assertThat(byName.get("future-waiter").awaiting()).isEqualTo("Future");
        assertThat(byName.get("future-waiter").awaitedBy()).containsExactly("gatherer");
        assertThat(byName.get("loner").awaitedBy()).containsExactly("body");
        assertThat(byName.get("sleeper").stack()).isNotEmpty();
        assertThat(byName.get("sleeper").stack().stream().map(StackTraceElement::getMethodName))
                .contains("napInWorker");
    }

    @Test
    void formatDrawsTheAwaitTree() {
        String text = buildTreeAndDump().format();
        String[] lines = text.split("\n");
        assertThat(lines[0]).contains("Task-").contains("awaiting task body");
        assertThat(text).contains("└── body [running]")
                .contains("gatherer [pending] awaiting gather of 2")
                .contains("sleeper [pending] awaiting sleep 30s")
                .contains("TaskDumpTest.napInWorker");
        int body = text.indexOf("body [running]");
        int gatherer = text.indexOf("gatherer [pending]");
        int sleeper = text.indexOf("sleeper [pending]");
        assertThat(body).isLessThan(gatherer);
        assertThat(gatherer).isLessThan(sleeper);
    }

    // ---- the same tree with every kind of wait, on virtual time (so every task has surely parked)

    private static void holdLock(Lock lock, Future<?> until) {
        try (Permit held = lock.acquire()) {
            await(until);
        }
    }

    private static void waitForLock(Lock lock) {
        try (Permit held = lock.acquire()) {
            sleep(Duration.ZERO);
        }
    }

    private static String takeFrom(Queue<String> queue) {
        return queue.get();
    }

    /**
     * Builds, on virtual time, main → body (TaskGroup) → gatherer → gather(sleeper, lock-holder,
     * lock-waiter, getter, putter, joiner, semaphore-waiter, event-waiter, condition-waiter,
     * barrier-waiter, task-awaiter → target), dumps it once everything is parked, then unwinds.
     */
    private static Map<String, TaskDump.Entry> dumpEveryKindOfWait(String[] text) {
        TaskDump dump = VirtualTime.run(() -> {
            Future<Void> never = getRunningLoop().createFuture();
            Lock lock = new Lock();
            Queue<String> empty = new Queue<>();
            Queue<String> full = new Queue<>(1);
            full.putNowait("occupant");
            Semaphore semaphore = new Semaphore(0);
            Event event = new Event();
            Condition condition = new Condition();
            Barrier barrier = new Barrier(2);
            TaskDump[] taken = new TaskDump[1];
            Task<Object> body = createTask(() -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Task<Void> target = createTask(() -> { event.await(); return null; }, "target");
                    return await(gather(
                            createTask(() -> { napInWorker(); return null; }, "sleeper"),
                            createTask(() -> { holdLock(lock, never); return null; }, "lock-holder"),
                            createTask(() -> { waitForLock(lock); return null; }, "lock-waiter"),
                            createTask(() -> takeFrom(empty), "getter"),
                            createTask(() -> { full.put("second"); return null; }, "putter"),
                            createTask(() -> { full.join(); return null; }, "joiner"),
                            createTask(() -> { semaphore.acquire().close(); return null; }, "semaphore-waiter"),
                            createTask(() -> { event.await(); return null; }, "event-waiter"),
                            createTask(() -> condition.withLock(() -> { condition.await(); return null; }),
                                    "condition-waiter"),
                            createTask(() -> barrier.await(), "barrier-waiter"),
                            createTask(() -> await(target), "task-awaiter")));
                }, "gatherer");
                sleep(Duration.ofSeconds(1));
                taken[0] = TaskDump.of(getRunningLoop());
                tg.cancel();
                return null;
            }), "body");
            await(body);
            return taken[0];
        });
        text[0] = dump.format();
        return dump.tasks().stream().collect(Collectors.toMap(TaskDump.Entry::name, Function.identity()));
    }

    @Test
    void everyKindOfWaitIsLabelledWithWhatTheTaskCalled() {
        Map<String, TaskDump.Entry> byName = dumpEveryKindOfWait(new String[1]);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("gatherer", "gather of 11"),
                Map.entry("sleeper", "sleep 30s"),
                Map.entry("lock-holder", "Future"),
                Map.entry("lock-waiter", "Lock.acquire"),
                Map.entry("getter", "Queue.get"),
                Map.entry("putter", "Queue.put"),
                Map.entry("joiner", "Queue.join"),
                Map.entry("semaphore-waiter", "Semaphore.acquire"),
                Map.entry("event-waiter", "Event.await"),
                Map.entry("condition-waiter", "Condition.await"),
                Map.entry("barrier-waiter", "Barrier.await"),
                Map.entry("task-awaiter", "task target"),
                Map.entry("target", "Event.await"));
        expected.forEach((name, awaiting) -> {
            assertThat(byName).containsKey(name);
            assertThat(byName.get(name).awaiting()).as(name).isEqualTo(awaiting);
            assertThat(byName.get(name).state()).as(name).isEqualTo("pending");
        });
        assertThat(byName.get("body").state()).isEqualTo("running");
        assertThat(byName.get("body").awaiting()).isEmpty();
        assertThat(byName.get("gatherer").awaitedBy()).containsExactly("body");
        for (String child : List.of("sleeper", "lock-holder", "lock-waiter", "getter", "putter", "joiner",
                "semaphore-waiter", "event-waiter", "condition-waiter", "barrier-waiter", "task-awaiter")) {
            assertThat(byName.get(child).awaitedBy()).as(child).containsExactly("gatherer");
        }
        assertThat(byName.get("target").awaitedBy()).containsExactly("task-awaiter");
    }

    @Test
    void eachStackShowsTheUserMethodWhereTheTaskSuspended() {
        Map<String, TaskDump.Entry> byName = dumpEveryKindOfWait(new String[1]);
        Map<String, String> userMethod = Map.of(
                "sleeper", "napInWorker",
                "lock-holder", "holdLock",
                "lock-waiter", "waitForLock",
                "getter", "takeFrom");
        userMethod.forEach((name, method) -> assertThat(byName.get(name).stack())
                .as(name).extracting(StackTraceElement::getMethodName).contains(method));
        // The innermost frame is the library call the task made, not the engine's parking machinery.
        assertThat(byName.get("lock-waiter").stack().get(0))
                .satisfies(top -> assertThat(top.getClassName() + "." + top.getMethodName()).isEqualTo(
                        TaskDumpTest.class.getName() + ".waitForLock"));
        assertThat(byName.get("body").stack()).isEmpty();
    }

    @Test
    void formattedTreeNestsTargetUnderItsAwaiterAndLabelsEachWait() {
        String[] text = new String[1];
        dumpEveryKindOfWait(text);
        String tree = text[0];
        assertThat(tree).contains("body [running]")
                .contains("gatherer [pending] awaiting gather of 11")
                .contains("lock-waiter [pending] awaiting Lock.acquire")
                .contains("getter [pending] awaiting Queue.get")
                .contains("semaphore-waiter [pending] awaiting Semaphore.acquire")
                .contains("barrier-waiter [pending] awaiting Barrier.await")
                .contains("task-awaiter [pending] awaiting task target")
                .contains("TaskDumpTest.waitForLock");
        int gatherer = tree.indexOf("gatherer [pending]");
        int awaiter = tree.indexOf("task-awaiter [pending]");
        int target = tree.indexOf("target [pending] awaiting Event.await");
        assertThat(tree.indexOf("body [running]")).isLessThan(gatherer);
        assertThat(gatherer).isLessThan(awaiter);
        assertThat(awaiter).isLessThan(target);
        // target is drawn once, one level deeper than its awaiter
        assertThat(tree.split("\\n")).filteredOn(l -> l.contains("target [pending]")).singleElement()
                .satisfies(line -> assertThat(line.indexOf("target")).isGreaterThan(
                        tree.lines().filter(l -> l.contains("task-awaiter [pending]")).findFirst().orElseThrow()
                                .indexOf("task-awaiter")));
    }

    @Test
    void theMBeanDumpsARunningLoopFromAnotherThread() throws Exception {
        ObjectName name = new ObjectName("dev.asyncio4j:type=Tasks");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        CompletableFuture<String> seen = new CompletableFuture<>();
        Asyncio.run(() -> {
            createTask(() -> { sleep(Duration.ofSeconds(30)); return null; }, "visible-from-jmx");
            sleep(Duration.ofMillis(10));
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!server.isRegistered(name) && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    seen.complete((String) server.invoke(name, "dumpTasks", null, null));
                } catch (Exception e) {
                    seen.completeExceptionally(e);
                }
            });
            while (!seen.isDone()) {
                sleep(Duration.ofMillis(5));
            }
            reader.join();
            return null;
        });
        assertThat(seen.get()).contains("visible-from-jmx [pending] awaiting sleep 30s");
    }
}
