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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class SemaphoreTest {
    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    /** The seed walkthrough's shape: 10,000 "downloads" gathered, three at a time. */
    @Test
    void tenThousandDownloadsRunExactlyThreeAtATime() {
        int n = 10_000;
        int[] active = {0};
        int[] peak = {0};
        List<Integer> results = Asyncio.run(() -> {
            var sem = new Semaphore(3);
            List<Task<Integer>> downloads = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                downloads.add(createTask(() -> {
                    try (var p = sem.acquire()) {
                        active[0]++;
                        peak[0] = Math.max(peak[0], active[0]);
                        yieldOnce(); // the "download": suspends, letting the others pile up
                        yieldOnce();
                        active[0]--;
                        return id;
                    }
                }));
            }
            List<Integer> all = await(gather(downloads));
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(3, 0));
            return all;
        });
        assertThat(peak[0]).isEqualTo(3);
        assertThat(active[0]).isZero();
        assertThat(results).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(results.get(i)).isEqualTo(i);
        }
    }

    @Test
    void waitersGetPermitsInFifoOrder() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(2);
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d", "e", "f")) {
                tasks.add(createTask(() -> sem.withPermit(() -> {
                    log.add(name + "+");
                    yieldOnce();
                    log.add(name + "-");
                    return null;
                })));
            }
            await(gather(tasks));
            return null;
        });
        assertThat(log).containsExactly("a+", "b+", "a-", "b-", "c+", "d+", "c-", "d-", "e+", "f+", "e-", "f-");
    }

    @Test
    void aNewcomerQueuesBehindWaitersEvenWhenAPermitIsFree() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(1);
            Permit mine = sem.acquire();
            Task<Boolean> a = createTask(() -> sem.withPermit(() -> log.add("a")));
            yieldOnce();
            Task<Boolean> late = createTask(() -> sem.withPermit(() -> log.add("late")));
            mine.close(); // the permit is reserved for a, who has not run yet
            assertThat(sem.statistics().value()).isZero();
            assertThat(sem.isLocked()).isTrue();
            await(gather(a, late));
            return null;
        });
        assertThat(log).containsExactly("a", "late");
    }

    @Test
    void aWaiterCancelledWhileQueuedNeverGetsAPermit() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(0);
            List<Task<Boolean>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                tasks.add(createTask(() -> sem.withPermit(() -> log.add(name))));
            }
            yieldOnce();
            tasks.get(0).cancel();
            tasks.get(1).cancel();
            sem.release();
            await(tasks.get(2));
            await(gather(true, tasks));
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
            return null;
        });
        assertThat(log).containsExactly("c");
    }

    @Test
    void aWaiterCancelledAfterItWasWokenGivesItsPermitToTheNext() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Boolean> a = createTask(() -> sem.withPermit(() -> log.add("a")));
            Task<Boolean> b = createTask(() -> sem.withPermit(() -> log.add("b")));
            yieldOnce();
            sem.release(); // reserved for a ...
            assertThat(sem.statistics().value()).isZero();
            a.cancel();    // ... which is cancelled before it runs
            await(b);
            assertThat(a.isCancelled()).isTrue();
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
            return null;
        });
        assertThat(log).containsExactly("b");
    }

    @Test
    void aWokenWaiterCancelledWithNobodyBehindReturnsThePermit() {
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Permit> a = createTask(sem::acquire);
            yieldOnce();
            sem.release();
            a.cancel();
            assertThatThrownBy(() -> await(a)).isInstanceOf(CancelledError.class);
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
            assertThat(sem.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void randomCancellationsNeverLoseOrDuplicatePermits() {
        Random random = new Random(20240613);
        int permits = 4;
        int[] active = {0};
        int[] extraReleased = {0};
        int[] extraAcquired = {0};
        int[] violations = {0};
        int[] completed = {0};
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(permits);
            List<Task<Void>> tasks = new ArrayList<>();
            List<Task<Void>> extras = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                tasks.add(createTask(() -> sem.withPermit(() -> {
                    active[0]++;
                    // holders never outnumber the permits that exist
                    if (active[0] + extraAcquired[0] > permits + extraReleased[0]) {
                        violations[0]++;
                    }
                    try {
                        yieldOnce();
                    } finally {
                        active[0]--;
                    }
                    completed[0]++;
                    return null;
                })));
                if (random.nextInt(3) == 0) {
                    yieldOnce();
                }
                if (random.nextInt(4) == 0) {
                    tasks.get(random.nextInt(tasks.size())).cancel();
                }
                if (random.nextInt(10) == 0) {
                    extraReleased[0]++;
                    sem.release(); // an extra permit, taken back for good by this task:
                    extras.add(createTask(() -> {
                        sem.acquire();
                        extraAcquired[0]++;
                        return null;
                    }));
                }
            }
            await(gather(true, tasks));
            await(gather(extras));
            long cancelled = tasks.stream().filter(Task::isCancelled).count();
            assertThat(cancelled).isPositive();
            assertThat(completed[0] + cancelled).isEqualTo(400);
            assertThat(extraAcquired[0]).isEqualTo(extraReleased[0]).isPositive();
            assertThat(sem.statistics()).isEqualTo(new Semaphore.Statistics(permits, 0));
            return null;
        });
        assertThat(active[0]).isZero();
        assertThat(violations[0]).isZero();
    }

    @Test
    void releaseWithoutAcquireRaisesTheCount() {
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(0);
            assertThat(sem.isLocked()).isTrue();
            sem.release();
            sem.release();
            assertThat(sem.statistics().value()).isEqualTo(2);
            sem.acquire();
            sem.acquire();
            assertThat(sem.isLocked()).isTrue();
            return null;
        });
    }

    @Test
    void withPermitReleasesOnFailureAndRethrowsUnchanged() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(1);
            assertThatThrownBy(() -> sem.withPermit(() -> {
                assertThat(sem.isLocked()).isTrue();
                throw boom;
            })).isSameAs(boom);
            assertThat(sem.statistics().value()).isEqualTo(1);
            assertThat(sem.withPermit(() -> "ok")).isEqualTo("ok");
            return null;
        });
    }

    @Test
    void aPermitReleasesExactlyOnce() {
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(2);
            Permit p = sem.acquire();
            p.close();
            p.close();
            assertThat(sem.statistics().value()).isEqualTo(2);
            assertThat(p.toString()).contains("released");
            return null;
        });
    }

    @Test
    void theDefaultSemaphoreHasOnePermitAndNegativeCountsAreRejected() {
        assertThat(new Semaphore().statistics()).isEqualTo(new Semaphore.Statistics(1, 0));
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void aSemaphoreBelongsToTheFirstLoopThatUsesIt() {
        Semaphore sem = new Semaphore(5);
        sem.release(); // unbound and outside a loop: allowed (preparing it)
        Asyncio.run(() -> sem.withPermit(() -> null));
        Asyncio.run(() -> {
            assertThatThrownBy(sem::acquire).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bound to a different event loop");
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
            return null;
        });
        assertThat(sem.statistics().value()).isEqualTo(6);
    }

    @Test
    void toStringShowsValueAndWaiters() {
        Asyncio.run(() -> {
            Semaphore sem = new Semaphore(1);
            assertThat(sem.toString()).startsWith("<Semaphore@").endsWith("[unlocked, value:1]>");
            sem.acquire();
            Task<Permit> w = createTask(sem::acquire);
            yieldOnce();
            assertThat(sem.toString()).endsWith("[locked, waiters:1]>");
            sem.release();
            await(w);
            return null;
        });
    }
}
