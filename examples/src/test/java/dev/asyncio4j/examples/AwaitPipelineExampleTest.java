package dev.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwaitPipelineExampleTest {
    /** The flow prints what the callback version prints; a failing step stops it at the single handler. */
    @Test
    void printsTheFlowThenTheFailureCaughtByTheOneHandler() {
        ExampleRun run = ExampleRun.of(AwaitPipeline::run);

        assertThat(run.lines()).containsExactly(
                "Fetching user...",
                "Got user Alice. Fetching orders...",
                "Got 2 orders. Calculating total...",
                "Total is $80. Saving log...",
                ">>> Flow Complete!",
                "-- again, with a get_orders_db that fails:",
                "Fetching user...",
                "Got user Alice. Fetching orders...",
                "An error occurred somewhere in the chain: orders database unreachable while fetching orders of user 101");
    }

    /** Without failures, the await version prints exactly the callback version's lines. */
    @Test
    void sameOutputAsTheCallbackVersion() {
        ExampleRun callbacks = ExampleRun.of(CallbackPipeline::run);
        ExampleRun awaits = ExampleRun.of((out, unit) -> Asyncio.run(() -> AwaitPipeline.modernSystem(out, new AwaitPipeline.Mocks())));

        assertThat(awaits.lines()).isEqualTo(callbacks.lines());
    }

    /** await rethrows the failing step's exception unchanged: its real type reaches whoever awaits. */
    @Test
    void awaitRethrowsTheStepsOwnException() {
        assertThatThrownBy(() -> Asyncio.run(() -> Asyncio.await(new AwaitPipeline.OrdersDbDown().getOrdersDb(101))))
                .isExactlyInstanceOf(IOException.class)
                .hasMessage("orders database unreachable while fetching orders of user 101");
    }

    /** A failure in any step, not only get_orders_db, ends in the same handler and skips the later steps. */
    @Test
    void theHandlerCatchesAFailureInAnyStep() {
        AwaitPipeline.Mocks totalFails = new AwaitPipeline.Mocks() {
            @Override
            Future<Integer> calculateTotal(List<AwaitPipeline.Order> orders) {
                return Asyncio.createTask(() -> {
                    throw new ArithmeticException("total overflow");
                });
            }
        };
        ExampleRun run = ExampleRun.of((out, unit) -> Asyncio.run(() -> AwaitPipeline.modernSystem(out, totalFails)));

        assertThat(run.lines()).containsExactly(
                "Fetching user...",
                "Got user Alice. Fetching orders...",
                "Got 2 orders. Calculating total...",
                "An error occurred somewhere in the chain: total overflow");
    }
}
