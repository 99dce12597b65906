package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class BoundedSemaphoreTest {
    @Test
    void releasingBeyondTheBoundThrowsAndChangesNothing() {
        Asyncio.run(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            assertThat(sem.bound()).isEqualTo(2);
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
                    .hasMessage("BoundedSemaphore released too many times");
            assertThat(sem.statistics().value()).isEqualTo(2);
            Permit p = sem.acquire();
            sem.release();
            assertThat(sem.statistics().value()).isEqualTo(2);
            // mixing a manual release with the permit is the double release the bound catches
            assertThatThrownBy(p::close).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    @Test
    void itBehavesAsASemaphoreWithinTheBound() {
        Asyncio.run(() -> {
            Semaphore sem = new BoundedSemaphore(1);
            Permit p = sem.acquire();
            Task<Permit> waiter = createTask(sem::acquire);
            sleep(Duration.ZERO);
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(0, 1));
            p.close();
            await(waiter).close();
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
            assertThat(sem.toString()).startsWith("<BoundedSemaphore@");
            return null;
        });
    }

    @Test
    void aWokenWaiterCancelledReturnsItsPermitWithoutExceedingTheBound() {
        Asyncio.run(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(1);
            Permit p = sem.acquire();
            Task<Permit> a = createTask(sem::acquire);
            sleep(Duration.ZERO);
            p.close();   // reserved for a
            a.cancel();  // a leaves without it
            assertThatThrownBy(() -> await(a)).isInstanceOf(CancelledError.class);
            assertThat(sem.statistics().value()).isEqualTo(1);
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    @Test
    void aZeroBoundIsAllowedAndCanNeverBeReleased() {
        BoundedSemaphore sem = new BoundedSemaphore(0);
        assertThat(sem.isLocked()).isTrue();
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new BoundedSemaphore(-2)).isInstanceOf(IllegalArgumentException.class);
    }
}
