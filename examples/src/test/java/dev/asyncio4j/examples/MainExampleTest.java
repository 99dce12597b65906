package dev.asyncio4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainExampleTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int main(String... names) {
        return Main.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Duration.ofMillis(20), List.of(names));
    }

    private List<String> headers() {
        return out.toString(UTF_8).lines().filter(l -> l.startsWith("=== ")).toList();
    }

    /** Without arguments every example runs, in the seed's order, each under its header. */
    @Test
    void runsAllExamplesInOrder() {
        assertThat(main()).isZero();

        assertThat(headers()).containsExactly(
                "=== CallbackPipeline ===",
                "=== AwaitPipeline ===",
                "=== NestedGather ===",
                "=== TasksAndCallbacks ===",
                "=== GatherVsWait ===",
                "=== RunInExecutor ===",
                "=== SshRun ===",
                "=== SshSudoRun ===");
        assertThat(out.toString(UTF_8)).contains(">>> Flow Complete!", "[null, Other work done]",
                "Product Name: Embedded SSHServer");
    }

    /** Names select examples, in any case, in the order given. */
    @Test
    void runsTheNamedExamplesCaseInsensitively() {
        assertThat(main("nestedgather", "CALLBACKPIPELINE")).isZero();

        assertThat(out.toString(UTF_8).lines()).containsExactly(
                "=== NestedGather ===",
                "slow_database_fetch: before awaiting inner",
                "inner: start",
                "inner: end",
                "slow_database_fetch: result = 123",
                "[null, Other work done]",
                "=== CallbackPipeline ===",
                "Fetching user...",
                "Got user Alice. Fetching orders...",
                "Got 2 orders. Calculating total...",
                "Total is $80. Saving log...",
                ">>> Flow Complete!");
    }

    /** An unknown name runs nothing, lists the known names and fails with status 2. */
    @Test
    void unknownNameFails() {
        assertThat(main("NestedGather", "Nope")).isEqualTo(2);

        assertThat(out.toString(UTF_8)).isEmpty();
        assertThat(err.toString(UTF_8)).contains("unknown example 'Nope'", "NestedGather", "RunInExecutor");
    }
}
