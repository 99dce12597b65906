package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskTest {

    /*
     * Regression (found by RandomProgramsTest: a task group's body cancelled while a child's gather
     * failed): a task woken by a failed future but cancelled before it resumed threw CancelledError
     * without retrieving the future's exception, which was then reported as never retrieved. CPython
     * retrieves it (Task.__wakeup calls future.result() first).
     */
    @Test
    void aCancellationThatWinsOverAFailedAwaitedFutureStillRetrievesItsException() {
        List<Map<String, Object>> reports = new ArrayList<>();
        boolean cancelled = Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler((loop, context) -> reports.add(context));
            Future<Void> child = getRunningLoop().createFuture();
            Future<List<Void>> gathered = gather(child);
            Task<List<Void>> waiter = createTask(() -> await(gathered));
            sleep(Duration.ZERO);
            child.setException(new IllegalStateException("boom")); // fails the gather once its callback runs
            waiter.cancel(); // the gather is still pending but cannot cancel a done child: the request stays pending
            try {
                await(waiter);
            } catch (CancelledError expected) {
                // the pending cancellation wins over the failure, as in asyncio
            }
            return waiter.isCancelled();
        });
        assertThat(cancelled).isTrue();
        assertThat(reports).isEmpty();
    }
}
