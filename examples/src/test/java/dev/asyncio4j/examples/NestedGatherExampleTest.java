package dev.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NestedGatherExampleTest {
    @BeforeAll
    static void warmUp() {
        ExampleRun.warmUp(NestedGather::run);
    }

    /** Prints in the order Python does: the nested coroutine runs inside the outer one's task. */
    @Test
    void printsInPythonsOrder() {
        ExampleRun run = ExampleRun.of(NestedGather::run);

        assertThat(run.lines()).containsExactly(
                "slow_database_fetch: before awaiting inner",
                "inner: start",
                "inner: end",
                "slow_database_fetch: result = 123",
                "[null, Other work done]");
    }

    /** The two one-unit sleeps overlap: the program takes about one unit, not two. */
    @Test
    void takesOneUnitNotTwo() {
        ExampleRun run = ExampleRun.fastestOf(3, NestedGather::run);

        assertThat(run.units()).isGreaterThan(0.9).isLessThan(1.6);
    }
}
