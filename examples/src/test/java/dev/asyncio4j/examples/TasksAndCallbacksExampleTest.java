package dev.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TasksAndCallbacksExampleTest {
    @BeforeAll
    static void warmUp() {
        ExampleRun.warmUp(TasksAndCallbacks::run);
    }

    /** The done callback runs (once, with task1's result) before runUntilComplete returns; then both results are read. */
    @Test
    void callbackRunsBeforeTheResultsAreRead() {
        ExampleRun run = ExampleRun.of(TasksAndCallbacks::run);

        assertThat(run.lines()).containsExactly(
                "callback: task1 got its result: func(task1) done",
                "wait: 2 done, 0 pending",
                "func(task1) done",
                "func(task2) done");
    }

    /** The two tasks sleep concurrently: the loop runs for about one unit, not two. */
    @Test
    void tasksRunConcurrently() {
        ExampleRun run = ExampleRun.fastestOf(3, TasksAndCallbacks::run);

        assertThat(run.units()).isGreaterThan(0.9).isLessThan(1.6);
    }
}
