package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class ConditionTest {
    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    static Task<Void> waiter(Condition cond, List<String> log, String name) {
        return createTask(() -> {
            try (Permit held = cond.acquire()) {
                cond.await();
                log.add(name);
            }
            return null;
        }, name);
    }

    @Test
    void signalWakesWaitersOneAtATimeInFifoOrder() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Condition cond = new Condition();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d")) {
                tasks.add(waiter(cond, log, name));
            }
            yieldOnce();
            assertThat(cond.statistics().waiters()).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                cond.withLock(() -> {
                    cond.signal();
                    return null;
                });
                yieldOnce();
                log.add("signal" + i);
            }
            await(gather(tasks));
            return null;
        });
        assertThat(log).containsExactly("a", "signal0", "b", "signal1", "c", "signal2", "d", "signal3");
    }

    @Test
    void signalNWakesAtMostN() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Condition cond = new Condition();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d", "e")) {
                tasks.add(waiter(cond, log, name));
            }
            yieldOnce();
            cond.withLock(() -> {
                cond.signal(3);
                return null;
            });
            for (int i = 0; i < 5; i++) {
                yieldOnce();
            }
            assertThat(log).containsExactly("a", "b", "c");
            assertThat(cond.statistics().waiters()).isEqualTo(2);
            cond.withLock(() -> {
                cond.signalAll();
                return null;
            });
            await(gather(tasks));
            return null;
        });
        assertThat(log).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void awaitReleasesTheLockWhileWaitingAndHoldsItAfterwards() {
        Asyncio.run(() -> {
            Condition cond = new Condition();
            Task<?>[] ownerAfterWait = {null};
            Task<Void> w = createTask(() -> {
                try (Permit held = cond.acquire()) {
                    cond.await();
                    ownerAfterWait[0] = cond.statistics().lock().owner();
                }
                return null;
            });
            yieldOnce();
            assertThat(cond.isLocked()).isFalse(); // released by await()
            try (Permit held = cond.acquire()) {
                cond.signal();
                yieldOnce();
                // woken, but blocked re-acquiring the lock we hold
                assertThat(w.isDone()).isFalse();
                assertThat(cond.statistics().lock().waiters()).isEqualTo(1);
            }
            await(w);
            assertThat(ownerAfterWait[0]).isSameAs(w);
            assertThat(cond.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void aCancelledWaiterHoldsTheLockAgainWhenItsCancellationPropagates() {
        Asyncio.run(() -> {
            Condition cond = new Condition();
            boolean[] heldInFinally = {false};
            Task<Void> w = createTask(() -> {
                cond.acquire();
                try {
                    cond.await();
                } finally {
                    heldInFinally[0] = cond.isLocked() && cond.statistics().lock().owner() == Asyncio.currentTask();
                    cond.release();
                }
                return null;
            });
            yieldOnce();
            Permit mine = cond.acquire(); // the waiter will have to queue for the lock
            w.cancel();
            yieldOnce();
            assertThat(w.isDone()).isFalse();
            mine.close();
            assertThatThrownBy(() -> await(w)).isInstanceOf(CancelledError.class);
            assertThat(heldInFinally[0]).isTrue();
            assertThat(cond.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void aSignalledWaiterThatIsCancelledPassesTheSignalOn() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Condition cond = new Condition();
            Task<Void> a = waiter(cond, log, "a");
            Task<Void> b = waiter(cond, log, "b");
            Task<Void> c = waiter(cond, log, "c");
            yieldOnce();
            cond.withLock(() -> {
                cond.signal(1); // meant for a ...
                a.cancel();     // ... which is cancelled before it runs
                return null;
            });
            await(gather(true, a, b));
            yieldOnce();
            assertThat(a.isCancelled()).isTrue();
            assertThat(c.isDone()).isFalse();
            cond.withLock(() -> {
                cond.signal();
                return null;
            });
            await(c);
            return null;
        });
        assertThat(log).containsExactly("b", "c");
    }

    @Test
    void waitForImplementsABoundedBuffer() {
        List<Integer> consumed = new ArrayList<>();
        int[] maxSize = {0};
        Asyncio.run(() -> {
            Condition cond = new Condition();
            ArrayDeque<Integer> buffer = new ArrayDeque<>();
            int capacity = 3;
            Task<Void> producer = createTask(() -> {
                for (int i = 0; i < 100; i++) {
                    int item = i;
                    cond.withLock(() -> {
                        cond.waitFor(() -> buffer.size() < capacity);
                        buffer.add(item);
                        maxSize[0] = Math.max(maxSize[0], buffer.size());
                        cond.signalAll();
                        return null;
                    });
                }
                return null;
            });
            Task<Void> consumer = createTask(() -> {
                for (int i = 0; i < 100; i++) {
                    consumed.add(cond.withLock(() -> {
                        cond.waitFor(() -> !buffer.isEmpty());
                        int item = buffer.removeFirst();
                        cond.signalAll();
                        return item;
                    }));
                    if (i % 7 == 0) {
                        yieldOnce();
                    }
                }
                return null;
            });
            await(gather(producer, consumer));
            return null;
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        assertThat(consumed).isEqualTo(expected);
        assertThat(maxSize[0]).isEqualTo(3);
    }

    @Test
    void twoConditionsCanShareOneLock() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Lock lock = new Lock();
            Condition notEmpty = new Condition(lock);
            Condition notFull = new Condition(lock);
            Task<Void> a = waiter(notEmpty, log, "notEmpty");
            Task<Void> b = waiter(notFull, log, "notFull");
            yieldOnce();
            assertThat(lock.isLocked()).isFalse();
            try (Permit held = lock.acquire()) {
                assertThat(notEmpty.isLocked() && notFull.isLocked()).isTrue();
                notFull.signal();
            }
            await(b);
            assertThat(a.isDone()).isFalse();
            notEmpty.withLock(() -> {
                notEmpty.signal();
                return null;
            });
            await(a);
            return null;
        });
        assertThat(log).containsExactly("notFull", "notEmpty");
    }

    @Test
    void signalAndAwaitWithoutTheLockThrow() {
        Asyncio.run(() -> {
            Condition cond = new Condition();
            assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class).hasMessage("cannot notify on un-acquired lock");
            assertThatThrownBy(() -> cond.signal(3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(cond::await).isInstanceOf(IllegalStateException.class).hasMessage("cannot wait on un-acquired lock");
            assertThat(cond.statistics().waiters()).isZero();
            return null;
        });
    }

    @Test
    void statisticsIncludeTheLock() {
        Asyncio.run(() -> {
            Condition cond = new Condition();
            Task<Void> w = createTask(() -> {
                cond.withLock(() -> {
                    cond.await();
                    return null;
                });
                return null;
            });
            yieldOnce();
            assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(1, new Lock.Statistics(false, null, 0)));
            assertThat(cond.toString()).endsWith("[unlocked, waiters:1]>");
            cond.acquire();
            cond.signalAll();
            cond.release();
            await(w);
            assertThat(cond.statistics()).isEqualTo(new Condition.Statistics(0, new Lock.Statistics(false, null, 0)));
            return null;
        });
    }

    @Test
    void closingTheLoopDoesNotSpinAWaiterThatCannotReacquireTheLock() {
        EventLoop loop = Asyncio.newEventLoop();
        List<String> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(String.valueOf(context.get("message"))));
        Condition cond = new Condition();
        boolean[] reachedFinally = {false};
        loop.runUntilComplete(loop.createTask(() -> {
            // created first, so the closing loop releases it first, while the lock is still held
            createTask(() -> {
                try (Permit held = cond.acquire()) {
                    cond.await();
                } finally {
                    reachedFinally[0] = true;
                }
                return null;
            }, "waiter");
            yieldOnce();
            createTask(() -> {
                cond.acquire();
                sleep(Duration.ofHours(1)); // holds the lock across an await
                return null;
            }, "holder");
            yieldOnce();
            return null;
        }));
        loop.close(); // must return
        assertThat(reachedFinally[0]).isTrue();
        assertThat(reports).contains("Task was destroyed but it is pending!");
    }
}
