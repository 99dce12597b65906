package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Asyncio.run and Runner: cleanup of what a program leaves behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunnerTest {

    /** Installs a recording exception handler on the running loop (slow-step check off: loaded machines). */
    private static List<Map<String, Object>> recordReports() {
        List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
        EventLoop loop = getRunningLoop();
        loop.setSlowCallbackDuration(Duration.ZERO);
        loop.setExceptionHandler((l, c) -> reports.add(Map.copyOf(c)));
        return reports;
    }

    private static List<Map<String, Object>> withMessage(List<Map<String, Object>> reports, String prefix) {
        return reports.stream().filter(c -> String.valueOf(c.get("message")).startsWith(prefix)).toList();
    }

    @Test
    void asyncioRunCancelsLeftoverTasksSilently() {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<List<Map<String, Object>>> reports = new AtomicReference<>();
        AtomicReference<Task<?>> sleeper = new AtomicReference<>();
        AtomicReference<Task<?>> waiter = new AtomicReference<>();
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        String r = Asyncio.run(() -> {
            reports.set(recordReports());
            loop.set(getRunningLoop());
            sleeper.set(createTask(() -> {
                try {
                    sleep(Duration.ofSeconds(30));
                    return null;
                } catch (CancelledError e) {
                    log.add("sleeper cancelled");
                    throw e;
                } finally {
                    log.add("sleeper finally");
                }
            }, "sleeper"));
            waiter.set(createTask(() -> {
                try {
                    return Asyncio.await(getRunningLoop().createFuture());
                } finally {
                    log.add("waiter finally");
                }
            }, "waiter"));
            sleep(Duration.ofMillis(1));
            return "main done";
        });
        assertThat(r).isEqualTo("main done");
        assertThat(log).containsExactlyInAnyOrder("sleeper cancelled", "sleeper finally", "waiter finally");
        assertThat(sleeper.get().isCancelled()).isTrue();
        assertThat(waiter.get().isCancelled()).isTrue();
        assertThat(reports.get()).as("cancelled silently, as asyncio.run does; nothing destroyed").isEmpty();
        assertThat(loop.get().isClosed()).isTrue();
    }

    @Test
    void aLeftoverTaskFailingWhileCancelledIsReportedExactlyOnce() {
        AtomicReference<List<Map<String, Object>>> reports = new AtomicReference<>();
        IOException failure = new IOException("cleanup failed");
        Asyncio.run(() -> {
            reports.set(recordReports());
            createTask(() -> {
                try {
                    sleep(Duration.ofSeconds(30));
                } catch (CancelledError e) {
                    throw failure;
                }
                return null;
            }, "bad-cleanup");
            sleep(Duration.ofMillis(1));
            return null;
        });
        List<Map<String, Object>> failures = reports.get().stream()
                .filter(c -> c.get("exception") == failure).toList();
        assertThat(failures).hasSize(1);
        assertThat((String) failures.get(0).get("message")).contains("shutdown");
        assertThat(withMessage(reports.get(), "Task exception was never retrieved")).isEmpty();
    }

    @Test
    void aLeftoverTaskMayFinishItsCleanupWithAwaitsBeforeTheLoopCloses() {
        List<String> log = new CopyOnWriteArrayList<>();
        Asyncio.run(() -> {
            recordReports();
            createTask(() -> {
                try {
                    sleep(Duration.ofSeconds(30));
                } catch (CancelledError e) {
                    sleep(Duration.ofMillis(2)); // asyncio lets a cancelled task await during cleanup
                    log.add("cleaned up");
                    return "swallowed";
                }
                return null;
            });
            sleep(Duration.ZERO);
            return null;
        });
        assertThat(log).containsExactly("cleaned up");
    }

    @Test
    void failureOfMainIsRethrownUnchangedAndNotReported() {
        IOException e = new IOException("main failed");
        AtomicReference<List<Map<String, Object>>> reports = new AtomicReference<>();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            reports.set(recordReports());
            sleep(Duration.ofMillis(1));
            throw e;
        })).isSameAs(e);
        assertThat(reports.get()).isEmpty();
    }

    @Test
    void asyncioRunShutsTheDefaultExecutorDownAndWaitsForItsThreads() throws Exception {
        Thread worker = Asyncio.run(() -> toThread(Thread::currentThread));
        assertThat(worker.getName()).startsWith("asyncio4j-executor-");
        worker.join(2_000); // grace period for a worker on its way out after the pool terminated
        assertThat(worker.isAlive()).isFalse();
    }

    @Test
    void runnerKeepsOneLoopAndItsTasksAcrossRuns() {
        try (Runner runner = new Runner()) {
            EventLoop first = runner.run(Asyncio::getRunningLoop);
            List<String> log = new CopyOnWriteArrayList<>();
            Task<Void> background = runner.run(() -> createTask(() -> {
                log.add("started");
                sleep(Duration.ofMillis(5));
                log.add("finished");
                return null;
            }));
            assertThat(runner.getLoop()).isSameAs(first);
            assertThat(background.isDone()).isFalse();
            runner.run(() -> {
                assertThat(getRunningLoop()).isSameAs(first);
                return Asyncio.await(background);
            });
            assertThat(log).containsExactly("started", "finished");
        }
    }

    @Test
    void aClosedRunnerRefusesToRunAndClosingTwiceIsHarmless() {
        Runner runner = new Runner();
        EventLoop loop = runner.getLoop();
        runner.close();
        runner.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> runner.run(() -> 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(runner::getLoop).isInstanceOf(IllegalStateException.class);
        new Runner().close(); // never used: nothing to close
    }

    @Test
    void runnerRunFromARunningLoopIsRefused() {
        try (Runner outer = new Runner(); Runner inner = new Runner()) {
            assertThatThrownBy(() -> outer.run(() -> inner.run(() -> 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("running event loop");
        }
    }

    @Test
    void runnerInDebugModeMakesADebugLoop() {
        try (Runner runner = new Runner(true)) {
            assertThat(runner.getLoop().getDebug()).isTrue();
            assertThat(runner.run(() -> getRunningLoop().getDebug())).isTrue();
        }
    }
}
