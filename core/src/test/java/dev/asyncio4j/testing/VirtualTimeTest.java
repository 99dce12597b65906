package dev.asyncio4j.testing;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TaskGroupException;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Virtual time: the clock jumps to the next timer when the loop has nothing to do. */
class VirtualTimeTest {

    private static long seconds() {
        return Duration.ofNanos(getRunningLoop().time()).toSeconds();
    }

    @Test
    void anHourOfSleepReturnsAtOnceAndTheClockShowsIt() {
        long wall = System.nanoTime();
        List<String> log = VirtualTime.run(() -> {
            List<String> events = new ArrayList<>();
            events.add("start@" + seconds() + "s");
            sleep(Duration.ofHours(1));
            events.add("woke@" + seconds() + "s");
            return events;
        });
        assertThat(log).containsExactly("start@0s", "woke@3600s");
        assertThat(Duration.ofNanos(System.nanoTime() - wall)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aDayOfRetriesWithBackoffCompletesInUnderASecond() {
        long wall = System.nanoTime();
        List<Long> attempts = VirtualTime.run(() -> {
            List<Long> at = new ArrayList<>();
            Duration backoff = Duration.ofSeconds(1);
            while (getRunningLoop().time() < Duration.ofHours(24).toNanos()) {
                at.add(seconds());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : backoff.multipliedBy(2);
            }
            return at;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - wall)).isLessThan(Duration.ofSeconds(1));
        assertThat(attempts).startsWith(0L, 1L, 3L, 7L, 15L, 31L, 63L, 127L, 255L, 511L, 1023L);
        assertThat(attempts.get(attempts.size() - 1)).isLessThan(24 * 3600L);
        assertThat(attempts).hasSize(11 + (int) ((24 * 3600L - 1023 - 600 + 599) / 600));
    }

    @Test
    void timersInterleaveExactlyAsInRealTime() {
        List<String> log = VirtualTime.run(() -> {
            List<String> events = new ArrayList<>();
            Task<Void> a = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    sleep(Duration.ofSeconds(3));
                    events.add("a@" + seconds());
                }
                return null;
            });
            Task<Void> b = createTask(() -> {
                for (int i = 0; i < 4; i++) {
                    sleep(Duration.ofSeconds(2));
                    events.add("b@" + seconds());
                }
                return null;
            });
            await(gather(a, b));
            return events;
        });
        assertThat(log).containsExactly("b@2", "a@3", "b@4", "a@6", "b@6", "b@8", "a@9");
    }

    @Test
    void timeoutsAndTaskGroupsWorkOnVirtualTime() {
        String out = VirtualTime.run(() -> {
            try {
                Asyncio.timeout(Duration.ofMinutes(5), scope -> {
                    sleep(Duration.ofHours(2));
                    return null;
                });
                return "no timeout";
            } catch (TimeoutError e) {
                return "timed out at " + seconds() + "s";
            }
        });
        assertThat(out).isEqualTo("timed out at 300s");

        assertThatThrownBy(() -> VirtualTime.run(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> {
                sleep(Duration.ofDays(1));
                throw new IllegalStateException("late failure at " + seconds());
            });
            return null;
        }))).isInstanceOf(TaskGroupException.class)
                .extracting(e -> ((TaskGroupException) e).exceptions().get(0).getMessage())
                .isEqualTo("late failure at 86400");
    }

    @Test
    void theClockWaitsForExecutorJobsInsteadOfJumping() {
        String out = VirtualTime.run(() -> {
            String r = Asyncio.waitFor(createTask(() -> Asyncio.toThread(() -> {
                Thread.sleep(30);
                return "done";
            })), Duration.ofSeconds(1));
            return r + "@" + seconds();
        });
        assertThat(out).isEqualTo("done@0");
    }

    private static List<String> randomWorkload(long seed) {
        return VirtualTime.run(() -> {
            Random random = new Random(seed);
            List<String> events = new ArrayList<>();
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int id = i;
                int steps = 1 + random.nextInt(5);
                long[] delays = random.longs(steps, 0, 5_000).toArray();
                tasks.add(createTask(() -> {
                    for (long d : delays) {
                        sleep(Duration.ofMillis(d));
                        events.add(id + "@" + getRunningLoop().time());
                    }
                    return id;
                }));
            }
            await(gather(tasks));
            return events;
        });
    }

    @Test
    void theSameRandomisedWorkloadGivesTheSameOrderingTwice() {
        List<String> first = randomWorkload(42);
        List<String> second = randomWorkload(42);
        assertThat(first).hasSizeGreaterThan(100).isEqualTo(second);
        assertThat(randomWorkload(7)).isNotEqualTo(first);
    }

    /*
     * Regression (found by the random programs of RandomProgramsTest): the loop waits in real time for
     * executor jobs, and a job cancelled before it started was still counted, so the clock never moved
     * again and the program hung.
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueuedExecutorJobCancelledBeforeItStartsNeitherRunsNorStopsTheClock() throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        try {
            single.submit(() -> {
                release.await();
                return null;
            });
            long woke = VirtualTime.run(() -> {
                Future<String> queued = getRunningLoop().runInExecutor(single, () -> {
                    ran.set(true);
                    return "ran";
                });
                queued.cancel();
                sleep(Duration.ofHours(1));
                return seconds();
            });
            assertThat(woke).isEqualTo(3600);
        } finally {
            release.countDown();
            single.shutdown();
            assertThat(single.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ran).isFalse();
    }
}
