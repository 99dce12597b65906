package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class LockTest {
    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    /** A task that acquires {@code lock}, logs "name+", yields {@code holdFor} times, logs "name-" and releases. */
    static Task<Void> worker(Lock lock, List<String> log, String name, int holdFor) {
        return createTask(() -> {
            try (Permit held = lock.acquire()) {
                log.add(name + "+");
                for (int i = 0; i < holdFor; i++) {
                    yieldOnce();
                }
                log.add(name + "-");
            }
            return null;
        }, name);
    }

    @Test
    void permitReleasesExactlyOnce() {
        Asyncio.run(() -> {
            Lock lock = new Lock();
            Permit first = lock.acquire();
            first.close();
            assertThat(lock.isLocked()).isFalse();

            Permit second = lock.acquire();
            first.close(); // a stale permit must not release the new hold
            assertThat(lock.isLocked()).isTrue();
            second.close();
            second.close();
            assertThat(lock.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void tryWithResourcesReleasesOnFailureAndKeepsTheException() {
        IOException boom = new IOException("boom");
        Lock lock = new Lock();
        assertThatThrownBy(() -> Asyncio.run(() -> {
            try (Permit held = lock.acquire()) {
                throw boom;
            }
        })).isSameAs(boom);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withLockReturnsTheValueAndRethrowsCheckedExceptionsUnchanged() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            Lock lock = new Lock();
            assertThat(lock.withLock(() -> {
                assertThat(lock.isLocked()).isTrue();
                return 42;
            })).isEqualTo(42);
            assertThat(lock.isLocked()).isFalse();
            assertThatThrownBy(() -> lock.withLock(() -> {
                throw boom;
            })).isSameAs(boom);
            assertThat(lock.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void waitersAcquireInFifoOrder() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Lock lock = new Lock();
            List<Task<Void>> tasks = new ArrayList<>();
            try (Permit held = lock.acquire()) {
                for (String name : List.of("a", "b", "c", "d", "e")) {
                    tasks.add(worker(lock, log, name, 1));
                }
                yieldOnce();
                assertThat(lock.statistics().waiters()).isEqualTo(5);
                log.add("main-");
            }
            await(gather(tasks));
            return null;
        });
        assertThat(log).containsExactly("main-", "a+", "a-", "b+", "b-", "c+", "c-", "d+", "d-", "e+", "e-");
    }

    @Test
    void aNewcomerQueuesBehindAWokenWaiter() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> a = worker(lock, log, "a", 0);
            yieldOnce();
            Task<Void> late = worker(lock, log, "late", 0);
            lock.release(); // a is woken, but the newcomer runs first ...
            assertThat(lock.isLocked()).isFalse();
            await(gather(a, late)); // ... and must queue behind a
            return null;
        });
        assertThat(log).containsExactly("a+", "a-", "late+", "late-");
    }

    @Test
    void aWaiterCancelledWhileQueuedGivesItsTurnToTheNext() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> a = worker(lock, log, "a", 1);
            Task<Void> b = worker(lock, log, "b", 1);
            Task<Void> c = worker(lock, log, "c", 1);
            yieldOnce();
            b.cancel();
            lock.release();
            await(gather(true, a, b, c));
            assertThat(b.isCancelled()).isTrue();
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.statistics().waiters()).isZero();
            return null;
        });
        assertThat(log).containsExactly("a+", "a-", "c+", "c-");
    }

    @Test
    void aWaiterCancelledAfterTheReleaseWokeItPassesTheLockOn() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> a = worker(lock, log, "a", 1);
            Task<Void> b = worker(lock, log, "b", 1);
            yieldOnce();
            lock.release(); // hands the turn to a ...
            a.cancel();     // ... which is cancelled before it runs
            yieldOnce();    // a leaves and wakes b
            assertThat(a.isCancelled()).isTrue();
            yieldOnce();    // b takes the lock
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.statistics().owner()).isSameAs(b);
            await(b);
            return null;
        });
        assertThat(log).containsExactly("b+", "b-");
    }

    @Test
    void releaseNeverWakesACancelledWaiter() {
        Asyncio.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            List<String> log = new ArrayList<>();
            List<Task<Void>> waiters = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                waiters.add(worker(lock, log, name, 0));
            }
            yieldOnce();
            waiters.forEach(Task::cancel);
            lock.release();
            assertThat(lock.isLocked()).isFalse();
            // everybody queued is cancelled: a newcomer takes the lock at once
            Permit p = lock.acquire();
            assertThat(lock.statistics().owner()).isSameAs(Asyncio.currentTask());
            p.close();
            await(gather(true, waiters));
            assertThat(waiters).allMatch(Task::isCancelled);
            assertThat(log).isEmpty();
            return null;
        });
    }

    @Test
    void mutualExclusionHoldsAcrossAwaits() {
        int[] counter = {0};
        int[] inside = {0};
        int[] maxInside = {0};
        Asyncio.run(() -> {
            Lock lock = new Lock();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tasks.add(createTask(() -> lock.withLock(() -> {
                    inside[0]++;
                    maxInside[0] = Math.max(maxInside[0], inside[0]);
                    int read = counter[0];
                    yieldOnce(); // a lost update would show here without the lock
                    counter[0] = read + 1;
                    inside[0]--;
                    return null;
                })));
            }
            await(gather(tasks));
            return null;
        });
        assertThat(counter[0]).isEqualTo(50);
        assertThat(maxInside[0]).isEqualTo(1);
    }

    @Test
    void cancellingTheHolderReleasesTheLockThroughThePermit() {
        Asyncio.run(() -> {
            Lock lock = new Lock();
            Task<Void> holder = createTask(() -> {
                try (Permit held = lock.acquire()) {
                    sleep(Duration.ofHours(1));
                }
                return null;
            });
            yieldOnce();
            assertThat(lock.statistics().owner()).isSameAs(holder);
            holder.cancel();
            assertThatThrownBy(() -> await(holder)).isInstanceOf(CancelledError.class);
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.statistics().owner()).isNull();
            return null;
        });
    }

    @Test
    void statisticsReportLockedOwnerAndWaiters() {
        Asyncio.run(() -> {
            Lock lock = new Lock();
            assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(false, null, 0));
            Permit held = lock.acquire();
            Task<?> me = Asyncio.currentTask();
            Task<Permit> w = createTask(lock::acquire);
            yieldOnce();
            assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, me, 1));
            assertThat(lock.toString()).contains("[locked, waiters:1]");
            held.close();
            Permit theirs = await(w);
            assertThat(lock.statistics()).isEqualTo(new Lock.Statistics(true, w, 0));
            theirs.close();
            return null;
        });
    }

    @Test
    void releasingAnUnlockedLockThrows() {
        Lock lock = new Lock();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class).hasMessage("Lock is not acquired.");
    }

    @Test
    void acquireOutsideATaskThrows() {
        Lock lock = new Lock();
        assertThatThrownBy(lock::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
    }

    @Test
    void aLockBelongsToTheFirstLoopThatUsesIt() {
        Lock lock = new Lock();
        Asyncio.run(() -> lock.withLock(() -> null));
        Asyncio.run(() -> {
            assertThatThrownBy(lock::acquire).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bound to a different event loop");
            assertThat(lock.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void aBoundLockRefusesCallsFromAThreadWithoutALoop() {
        Lock lock = new Lock();
        Asyncio.run(() -> lock.acquire()); // left locked on purpose
        assertThat(lock.isLocked()).isTrue();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runs no event loop");
        assertThat(lock.isLocked()).isTrue();
    }
}
