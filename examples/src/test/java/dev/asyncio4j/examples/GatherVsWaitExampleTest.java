package dev.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatherVsWaitExampleTest {
    @BeforeAll
    static void warmUp() {
        ExampleRun.warmUp(GatherVsWait::run);
    }

    /** task2 finishes first both times; gather still lists task1's result first, wait lists task2 first. */
    @Test
    void gatherKeepsArgumentOrderWaitKeepsCompletionOrder() {
        ExampleRun run = ExampleRun.of(GatherVsWait::run);

        assertThat(run.lines()).containsExactly(
                "task2 finished",
                "task1 finished",
                "gather: results in argument order: [result of task1, result of task2]",
                "task2 finished",
                "task1 finished",
                "wait: done tasks in completion order: [task2, task1]");
    }

    /** Each round takes as long as its slower task (one unit), not the sum (one and a half). */
    @Test
    void eachRoundTakesAsLongAsItsSlowestTask() {
        ExampleRun run = ExampleRun.fastestOf(3, GatherVsWait::run);

        assertThat(run.units()).isGreaterThan(1.9).isLessThan(2.7);
    }
}
