package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
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
