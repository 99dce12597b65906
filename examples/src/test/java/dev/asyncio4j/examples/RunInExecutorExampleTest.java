package dev.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RunInExecutorExampleTest {
    @BeforeAll
    static void warmUp() {
        ExampleRun.warmUp(RunInExecutor::run);
    }

    /** The ticker task keeps running on the loop while the five sleeps block their threads. */
    @Test
    void loopKeepsTickingWhileTheSleepsBlock() {
        ExampleRun run = ExampleRun.of(RunInExecutor::run);

        assertThat(run.lines()).hasSize(5).startsWith(
                "5 blocking sleeps of 1 unit each start on 5 threads",
                "tick 1: the loop is free",
                "tick 2: the loop is free",
                "tick 3: the loop is free");
        assertThat(run.lines().get(4)).matches("5 blocking sleeps done after ~\\d+ unit");
    }

    /** Five one-unit sleeps on five threads end after about one unit, not five. */
    @Test
    void sleepsRunConcurrently() {
        ExampleRun run = ExampleRun.fastestOf(3, RunInExecutor::run);

        assertThat(run.lines()).last().isEqualTo("5 blocking sleeps done after ~1 unit");
        assertThat(run.units()).isGreaterThan(0.9).isLessThan(1.6);
    }

    /** The program shuts its pool down: none of the threads it started outlives it. */
    @Test
    void executorThreadsAreGoneAfterwards() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        ExampleRun.of(RunInExecutor::run);

        Set<Thread> left = Set.of();
        for (int i = 0; i < 100; i++) {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("pool-"))
                    .collect(Collectors.toSet());
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(left).isEmpty();
    }
}
