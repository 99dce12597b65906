package dev.asyncio4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.testing.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
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

    /** On virtual time, with no machine noise, main takes exactly one unit of loop time and prints the same lines. */
    @Test
    void onVirtualTimeTakesExactlyOneUnit() {
        Duration unit = Duration.ofSeconds(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, UTF_8);

        long elapsed = VirtualTime.run(() -> {
            long start = Asyncio.getRunningLoop().time();
            NestedGather.main(out, unit);
            return Asyncio.getRunningLoop().time() - start;
        });

        assertThat(Duration.ofNanos(elapsed)).isEqualTo(unit);
        assertThat(bytes.toString(UTF_8).lines()).hasSize(5).last().isEqualTo("[null, Other work done]");
    }
}
