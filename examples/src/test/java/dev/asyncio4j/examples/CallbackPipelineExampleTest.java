package dev.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallbackPipelineExampleTest {
    /** The nested callbacks print the seed's five lines, level by level. */
    @Test
    void printsEveryLevelInOrder() {
        ExampleRun run = ExampleRun.of(CallbackPipeline::run);

        assertThat(run.lines()).containsExactly(
                "Fetching user...",
                "Got user Alice. Fetching orders...",
                "Got 2 orders. Calculating total...",
                "Total is $80. Saving log...",
                ">>> Flow Complete!");
    }

    /** The seed's mocks call back at once: the whole flow has run when legacySystem returns, without a loop. */
    @Test
    void callbacksRunSynchronouslyOnTheCallersThread() {
        StringBuilder threads = new StringBuilder();
        Thread caller = Thread.currentThread();
        CallbackPipeline.getUserDb(7, user -> threads.append(Thread.currentThread() == caller).append(user));

        assertThat(threads).hasToString("trueUser[id=7, name=Alice]");
    }
}
