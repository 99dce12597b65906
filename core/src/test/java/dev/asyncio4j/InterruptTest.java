package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Interrupts: the driver's interrupt cancels Asyncio.run's main task; a task keeps its own status. */
class InterruptTest {

    @Test
    void interruptingTheThreadRunningTheLoopCancelsTheMainTask() throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread driver = Thread.ofPlatform().start(() -> {
            try {
                Asyncio.run(() -> {
                    started.complete(null);
                    sleep(Duration.ofSeconds(30));
                    return null;
                });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        started.get(5, TimeUnit.SECONDS);
        Thread.sleep(20);
        long t0 = System.nanoTime();
        driver.interrupt();
        driver.join(5_000);
        assertThat(driver.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(outcome.get()).isInstanceOf(CancelledError.class)
                .hasMessage("the thread running the loop was interrupted");
        assertThat(interruptedAfter.get()).isTrue();
    }

    @Test
    void aTaskThatInterruptsItselfKeepsItsStatusAcrossAnAwaitWithoutSpinning() {
        boolean[] seen = new boolean[2];
        Asyncio.run(() -> {
            Thread.currentThread().interrupt();
            sleep(Duration.ofMillis(20));
            seen[0] = Thread.currentThread().isInterrupted();
            assertThatThrownBy(() -> Thread.sleep(1)).isInstanceOf(InterruptedException.class);
            seen[1] = Thread.currentThread().isInterrupted();
            return null;
        });
        assertThat(seen[0]).isTrue();
        assertThat(seen[1]).isFalse();
    }
}
