package dev.asyncio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A task cancelled after the future it awaits has failed (cancel() then cannot cancel the future)
 * gets CancelledError; as in asyncio, whose wakeup reads the future's result first, that failure
 * counts as retrieved and is not reported. Found by the random-program tests (a TaskGroup body
 * awaiting a gather whose child failed in the same iteration as a sibling of the group).
 */
class CancelSupersedesFailureTest {

    @Test
    void aTaskGroupBodyAwaitingAFailedGatherReportsNothingExtra() {
        List<Map<String, Object>> reports = new ArrayList<>();
        EventLoop loop = Asyncio.newEventLoop();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        Task<Object> main = loop.createTask(() -> {
            try {
                return TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        throw new IllegalStateException("sibling");
                    });
                    Task<Object> child = Asyncio.createTask(() -> {
                        throw new IllegalArgumentException("gathered");
                    });
                    return Asyncio.await(Asyncio.gather(child));
                });
            } catch (TaskGroupException e) {
                return e;
            }
        });
        Object outcome = loop.runUntilComplete(main);
        assertThat(outcome).isInstanceOf(TaskGroupException.class);
        loop.close();
        System.gc();
        assertThat(reports).isEmpty();
    }
}
