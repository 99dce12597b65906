package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static dev.asyncio4j.Asyncio.toThread;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thread confinement of {@link Future}'s setters: a call from a thread that is not running the loop is
 * refused before it changes anything, so the task awaiting the future can still be woken by the loop.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class FutureTest {

    /**
     * Runs {@code foreignCall} on an executor thread while a task awaits the future, checks that it
     * was refused with a message naming the loop's thread rule and that the future is still pending,
     * then completes the future on the loop and returns what the waiting task saw.
     */
    private static String refusedFromForeignThread(Consumer<Future<String>> foreignCall) {
        return Asyncio.run(() -> {
            Future<String> f = getRunningLoop().createFuture();
            Task<String> waiter = createTask(() -> await(f));
            sleep(Duration.ZERO);
            String refusal = toThread(() -> {
                try {
                    foreignCall.accept(f);
                    return "accepted";
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            });
            assertThat(refusal).contains("not running this event loop").contains("callSoonThreadsafe");
            assertThat(f.isDone()).isFalse();
            f.setResult("from the loop");
            return await(waiter);
        });
    }

    @Test
    void setResultFromAForeignThreadIsRefusedAndLeavesTheWaiterWakeable() {
        assertThat(refusedFromForeignThread(f -> f.setResult("foreign"))).isEqualTo("from the loop");
    }

    @Test
    void setExceptionFromAForeignThreadIsRefusedAndLeavesTheWaiterWakeable() {
        assertThat(refusedFromForeignThread(f -> f.setException(new IllegalArgumentException("foreign"))))
                .isEqualTo("from the loop");
    }

    @Test
    void cancelFromAForeignThreadIsRefusedAndLeavesTheWaiterWakeable() {
        assertThat(refusedFromForeignThread(Future::cancel)).isEqualTo("from the loop");
    }

    @Test
    void taskCancelFromAForeignThreadIsRefusedAndLeavesTheTaskRunning() {
        String outcome = Asyncio.run(() -> {
            Future<String> f = getRunningLoop().createFuture();
            Task<String> waiter = createTask(() -> await(f));
            sleep(Duration.ZERO);
            String refusal = toThread(() -> {
                try {
                    waiter.cancel();
                    return "accepted";
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            });
            assertThat(refusal).contains("not running this event loop");
            assertThat(waiter.cancelling()).isZero();
            assertThat(f.isDone()).isFalse();
            f.setResult("finished");
            return await(waiter);
        });
        assertThat(outcome).isEqualTo("finished");
    }

    @Test
    void aFutureOfALoopThatIsNotRunningCanBeCompletedFromAnyThread() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            Thread t = Thread.ofPlatform().start(() -> f.setResult("set while idle"));
            t.join();
            assertThat(loop.runUntilComplete(f)).isEqualTo("set while idle");
        }
    }
}
