/*
 * Ports of CPython's Lib/test/test_asyncio/test_queues.py (the 3.13 version, with shutdown:
 * python/cpython at 15b059106490e2765d2d54527aa2d998cdaab831) to asyncio4j's public API. One nested
 * class per Python test class, original method names in camelCase; Python's mixins run over Queue,
 * LifoQueue and PriorityQueue as parameterized tests. Where a Python assertion reads a private field
 * (q._getters, q._putters, q._format()) the port reads statistics() or toString().
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.Event;
import dev.asyncio4j.LifoQueue;
import dev.asyncio4j.PriorityQueue;
import dev.asyncio4j.Queue;
import dev.asyncio4j.QueueEmpty;
import dev.asyncio4j.QueueFull;
import dev.asyncio4j.QueueShutDown;
import dev.asyncio4j.Task;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * test_queues.py, ported. Omitted as not applicable to Java: {@code test_generic_alias} (Java
 * generics are erased, there is no runtime alias to inspect) and {@code test_float_maxsize}
 * ({@code maxsize} is an {@code int}).
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class QueuesTest {
    static void run(Coroutine<?> body) {
        Asyncio.run(body);
    }

    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    static <T> Queue<T> make(String kind, int maxsize) {
        return switch (kind) {
            case "Queue" -> new Queue<>(maxsize);
            case "LifoQueue" -> new LifoQueue<>(maxsize);
            case "PriorityQueue" -> new PriorityQueue<>(maxsize);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Nested
    class QueueBasicTests {
        @Test
        void testRepr() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                assertThat(q.toString()).startsWith("<Queue");

                // getters
                Queue<Integer> qg = new Queue<>();
                Task<Integer> getter = TaskGroup.run(tg -> {
                    Task<Integer> g = tg.createTask(qg::get);
                    yieldOnce();
                    assertThat(qg.toString()).contains("getters[1]");
                    qg.putNowait(0);
                    return g;
                });
                assertThat(await(getter)).isZero();

                // putters
                Queue<Integer> qp = new Queue<>(1);
                Task<Void> putter = TaskGroup.run(tg -> {
                    qp.putNowait(1);
                    Task<Void> p = tg.createTask(() -> {
                        qp.put(2);
                        return null;
                    });
                    yieldOnce();
                    assertThat(qp.toString()).contains("putters[1]");
                    qp.getNowait();
                    return p;
                });
                assertThat(putter.isDone()).isTrue();

                Queue<Integer> q1 = new Queue<>();
                q1.putNowait(1);
                assertThat(q1.toString()).contains("queue=[1]");
                return null;
            });
        }

        @Test
        void testEmpty() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                assertThat(q.isEmpty()).isTrue();
                q.put(1);
                assertThat(q.isEmpty()).isFalse();
                assertThat(q.get()).isEqualTo(1);
                assertThat(q.isEmpty()).isTrue();
                return null;
            });
        }

        @Test
        void testFull() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                assertThat(q.isFull()).isFalse();
                Queue<Integer> q1 = new Queue<>(1);
                q1.put(1);
                assertThat(q1.isFull()).isTrue();
                return null;
            });
        }

        @Test
        void testOrder() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                for (int i : new int[] {1, 3, 2}) {
                    q.put(i);
                }
                assertThat(List.of(q.get(), q.get(), q.get())).containsExactly(1, 3, 2);
                return null;
            });
        }

        @Test
        void testMaxsize() {
            run(() -> {
                Queue<Integer> q = new Queue<>(2);
                assertThat(q.maxsize()).isEqualTo(2);
                List<Integer> haveBeenPut = new ArrayList<>();
                Task<Boolean> t = createTask(() -> {
                    for (int i = 0; i < 3; i++) {
                        q.put(i);
                        haveBeenPut.add(i);
                    }
                    return true;
                });
                for (int i = 0; i < 2; i++) {
                    yieldOnce();
                }
                // the putter is blocked after putting two items
                assertThat(haveBeenPut).containsExactly(0, 1);
                assertThat(q.get()).isZero();

                // let the putter resume and put the last item
                yieldOnce();
                assertThat(haveBeenPut).containsExactly(0, 1, 2);
                assertThat(q.get()).isEqualTo(1);
                assertThat(q.get()).isEqualTo(2);
                assertThat(t.isDone() && t.result()).isTrue();
                return null;
            });
        }
    }

    @Nested
    class QueueGetTests {
        @Test
        void testBlockingGet() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                q.putNowait(1);
                assertThat(q.get()).isEqualTo(1);
                return null;
            });
        }

        @Test
        void testGetWithPutters() {
            // Adapted: Python appends a bare future to q._putters; here a real task blocks in put().
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.put(1);
                Task<Void> putter = createTask(() -> {
                    q.put(2);
                    return null;
                });
                yieldOnce();
                assertThat(q.statistics().putters()).isEqualTo(1);
                assertThat(q.get()).isEqualTo(1);
                assertThat(q.statistics().putters()).isZero();
                await(putter);
                assertThat(q.getNowait()).isEqualTo(2);
                return null;
            });
        }

        @Test
        void testBlockingGetWait() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                Event started = new Event();
                boolean[] finished = {false};
                Task<Integer> queueGetTask = createTask(() -> {
                    started.set();
                    int res = q.get();
                    finished[0] = true;
                    return res;
                });
                started.await();
                assertThat(finished[0]).isFalse();
                getRunningLoop().callLater(Duration.ofMillis(10), () -> q.putNowait(1));
                int res = await(queueGetTask);
                assertThat(finished[0]).isTrue();
                assertThat(res).isEqualTo(1);
                return null;
            });
        }

        @Test
        void testNonblockingGet() {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            assertThat(q.getNowait()).isEqualTo(1);
        }

        @Test
        void testNonblockingGetException() {
            Queue<Integer> q = new Queue<>();
            assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class);
        }

        @Test
        void testGetCancelledRace() {
            run(() -> {
                Queue<String> q = new Queue<>();
                Task<String> t1 = createTask(q::get);
                Task<String> t2 = createTask(q::get);

                yieldOnce();
                t1.cancel();
                yieldOnce();
                assertThat(t1.isDone()).isTrue();
                q.put("a");
                yieldOnce();
                assertThat(await(t2)).isEqualTo("a");
                return null;
            });
        }

        @Test
        void testGetWithWaitingPutters() {
            run(() -> {
                Queue<String> q = new Queue<>(1);
                createTask(() -> {
                    q.put("a");
                    return null;
                });
                createTask(() -> {
                    q.put("b");
                    return null;
                });
                assertThat(q.get()).isEqualTo("a");
                assertThat(q.get()).isEqualTo("b");
                return null;
            });
        }

        @Test
        void testWhyAreGettersWaiting() {
            run(() -> {
                int producerNumItems = 5;
                Queue<Integer> q = new Queue<>(1);
                List<Integer> consumed = new ArrayList<>();
                TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        for (int i = 0; i < producerNumItems; i++) {
                            q.put(i);
                        }
                        return null;
                    });
                    tg.createTask(() -> {
                        for (int i = 0; i < producerNumItems; i++) {
                            consumed.add(q.get());
                        }
                        return null;
                    });
                    return null;
                });
                assertThat(consumed).containsExactly(0, 1, 2, 3, 4);
                return null;
            });
        }

        @Test
        void testCancelledGettersNotBeingHeldInSelfGetters() {
            run(() -> {
                Queue<Integer> queue = new Queue<>(5);
                assertThatThrownBy(() -> Asyncio.timeout(Duration.ofMillis(10), scope -> queue.get()))
                        .isInstanceOf(TimeoutError.class);
                assertThat(queue.statistics().getters()).isZero();
                return null;
            });
        }
    }

    @Nested
    class QueuePutTests {
        @Test
        void testBlockingPut() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                // no maxsize: does not block
                q.put(1);
                assertThat(q.get()).isEqualTo(1);
                return null;
            });
        }

        @Test
        void testBlockingPutWait() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                Event started = new Event();
                boolean[] finished = {false};
                getRunningLoop().callLater(Duration.ofMillis(10), () -> q.getNowait());
                Task<Void> queuePutTask = createTask(() -> {
                    started.set();
                    q.put(1);
                    q.put(2);
                    finished[0] = true;
                    return null;
                });
                started.await();
                assertThat(finished[0]).isFalse();
                await(queuePutTask);
                assertThat(finished[0]).isTrue();
                assertThat(q.getNowait()).isEqualTo(2);
                return null;
            });
        }

        @Test
        void testNonblockingPut() {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            assertThat(q.getNowait()).isEqualTo(1);
        }

        @Test
        void testGetCancelDropOnePendingReader() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                Task<Integer> reader = createTask(q::get);
                yieldOnce();

                q.putNowait(1);
                q.putNowait(2);
                reader.cancel();

                try {
                    await(reader);
                } catch (CancelledError e) {
                    // try again
                    reader = createTask(q::get);
                    await(reader);
                }
                // if we get 2, 1 got dropped
                assertThat(reader.result()).isEqualTo(1);
                return null;
            });
        }

        @Test
        void testGetCancelDropManyPendingReaders() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                List<Task<Integer>> readers = TaskGroup.run(tg -> {
                    Task<Integer> reader1 = tg.createTask(q::get);
                    Task<Integer> reader2 = tg.createTask(q::get);
                    Task<Integer> reader3 = tg.createTask(q::get);
                    yieldOnce();

                    q.putNowait(1);
                    q.putNowait(2);
                    reader1.cancel();

                    assertThatThrownBy(() -> await(reader1)).isInstanceOf(CancelledError.class);
                    await(reader3);
                    return List.of(reader2, reader3);
                });
                // the order in which concurrent readers receive items is unspecified
                assertThat(Set.of(readers.get(0).result(), readers.get(1).result())).isEqualTo(Set.of(1, 2));
                return null;
            });
        }

        @Test
        void testPutCancelDrop() {
            run(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.putNowait(1);

                // a second put has to block (qsize=1)
                Task<Void> writer = createTask(() -> {
                    q.put(2);
                    return null;
                });
                yieldOnce();

                assertThat(q.getNowait()).isEqualTo(1);

                writer.cancel();
                try {
                    await(writer);
                } catch (CancelledError e) {
                    // try again
                    writer = createTask(() -> {
                        q.put(2);
                        return null;
                    });
                    await(writer);
                }
                assertThat(q.getNowait()).isEqualTo(2);
                assertThat(q.qsize()).isZero();
                return null;
            });
        }

        @Test
        void testNonblockingPutException() {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);
            assertThatThrownBy(() -> q.putNowait(2)).isInstanceOf(QueueFull.class);
        }

        @Test
        void testPutCancelled() {
            run(() -> {
                Queue<Integer> q = new Queue<>();
                Task<Boolean> t = createTask(() -> {
                    q.put(1);
                    return true;
                });
                assertThat(q.get()).isEqualTo(1);
                assertThat(t.isDone() && t.result()).isTrue();
                return null;
            });
        }

        @Test
        void testPutCancelledRace() {
            run(() -> {
                Queue<String> q = new Queue<>(1);
                Task<Void> putA = createTask(() -> {
                    q.put("a");
                    return null;
                });
                Task<Void> putB = createTask(() -> {
                    q.put("b");
                    return null;
                });
                Task<Void> putC = createTask(() -> {
                    q.put("X");
                    return null;
                });

                yieldOnce();
                assertThat(putA.isDone()).isTrue();
                assertThat(putB.isDone()).isFalse();

                putC.cancel();
                yieldOnce();
                assertThat(putC.isDone()).isTrue();
                assertThat(q.getNowait()).isEqualTo("a");
                yieldOnce();
                assertThat(q.getNowait()).isEqualTo("b");

                await(putB);
                assertThat(q.qsize()).isZero();
                return null;
            });
        }

        @Test
        void testPutWithWaitingGetters() {
            run(() -> {
                Queue<String> q = new Queue<>();
                Task<String> t = createTask(q::get);
                yieldOnce();
                q.put("a");
                assertThat(await(t)).isEqualTo("a");
                return null;
            });
        }

        @Test
        void testWhyArePuttersWaiting() {
            run(() -> {
                Queue<Integer> queue = new Queue<>(2);
                List<Integer> got = new ArrayList<>();
                TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        yieldOnce();
                        int num = queue.qsize();
                        for (int i = 0; i < num; i++) {
                            got.add(queue.getNowait());
                        }
                        return null;
                    });
                    for (int item = 0; item < 4; item++) {
                        int it = item;
                        tg.createTask(() -> {
                            queue.put(it);
                            return null;
                        });
                    }
                    return null;
                });
                assertThat(got).containsExactly(0, 1);
                assertThat(List.of(queue.getNowait(), queue.getNowait())).containsExactly(2, 3);
                return null;
            });
        }

        @Test
        void testCancelledPutsNotBeingHeldInSelfPutters() {
            run(() -> {
                // a full queue
                Queue<Integer> queue = new Queue<>(1);
                queue.putNowait(1);

                // a task waiting for room to put an item
                Task<Void> putTask = createTask(() -> {
                    queue.put(1);
                    return null;
                });
                yieldOnce();

                // the putter leaves the putters when its task is cancelled
                assertThat(queue.statistics().putters()).isEqualTo(1);
                putTask.cancel();
                assertThatThrownBy(() -> await(putTask)).isInstanceOf(CancelledError.class);
                assertThat(queue.statistics().putters()).isZero();
                return null;
            });
        }

        @Test
        void testCancelledPutSilenceValueErrorException() {
            run(() -> {
                Queue<Integer> queue = new Queue<>(1);
                queue.putNowait(1);

                Task<Void> putTask = createTask(() -> {
                    queue.put(1);
                    return null;
                });
                yieldOnce();

                // getNowait() takes the put task's waiter off the putters ...
                queue.getNowait();
                // ... so the cancelled put finds it gone, which must not fail
                putTask.cancel();
                assertThatThrownBy(() -> await(putTask)).isInstanceOf(CancelledError.class);
                assertThat(queue.qsize()).isZero();
                return null;
            });
        }
    }

    @Nested
    class LifoQueueTests {
        @Test
        void testOrder() {
            run(() -> {
                Queue<Integer> q = new LifoQueue<>();
                for (int i : new int[] {1, 3, 2}) {
                    q.put(i);
                }
                assertThat(List.of(q.get(), q.get(), q.get())).containsExactly(2, 3, 1);
                return null;
            });
        }
    }

    @Nested
    class PriorityQueueTests {
        @Test
        void testOrder() {
            run(() -> {
                Queue<Integer> q = new PriorityQueue<>();
                for (int i : new int[] {1, 3, 2}) {
                    q.put(i);
                }
                assertThat(List.of(q.get(), q.get(), q.get())).containsExactly(1, 2, 3);
                return null;
            });
        }
    }

    /** _QueueJoinTestMixin, run for QueueJoinTests, LifoQueueJoinTests and PriorityQueueJoinTests. */
    @Nested
    class QueueJoinTests {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testTaskDoneUnderflow(String kind) {
            Queue<Integer> q = make(kind, 0);
            assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                    .hasMessage("taskDone() called too many times");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testTaskDone(String kind) {
            run(() -> {
                Queue<Integer> q = make(kind, 0);
                for (int i = 0; i < 100; i++) {
                    q.putNowait(i);
                }
                int[] accumulator = {0};
                int[] handled = {0};
                boolean[] running = {true};
                // two workers get items and call taskDone() after each; join() waits for all
                TaskGroup.run(tg -> {
                    for (int w = 0; w < 2; w++) {
                        tg.createTask(() -> {
                            while (running[0]) {
                                int item = q.get();
                                accumulator[0] += item;
                                handled[0]++;
                                q.taskDone();
                            }
                            return null;
                        });
                    }
                    q.join();
                    assertThat(accumulator[0]).isEqualTo(99 * 100 / 2);
                    assertThat(handled[0]).isEqualTo(100);

                    // stop the workers
                    running[0] = false;
                    q.putNowait(0);
                    q.putNowait(0);
                    return null;
                });
                assertThat(handled[0]).isEqualTo(102);
                return null;
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testJoinEmptyQueue(String kind) {
            run(() -> {
                Queue<Integer> q = make(kind, 0);
                // join() returns at once, twice
                q.join();
                q.join();
                assertThat(q.statistics().unfinished()).isZero();
                return null;
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testFormat(String kind) {
            // Adapted: Python sets q._unfinished_tasks = 2; here two items are put and got.
            Queue<Integer> q = make(kind, 0);
            assertThat(q.toString()).endsWith(" maxsize=0>");
            q.putNowait(1);
            q.putNowait(2);
            q.getNowait();
            q.getNowait();
            assertThat(q.toString()).endsWith(" maxsize=0 tasks=2>");
        }
    }

    /** _QueueShutdownTestMixin, run for Queue, LifoQueue and PriorityQueue. */
    @Nested
    class QueueShutdownTests {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testFormat(String kind) {
            Queue<String> q = make(kind, 0);
            q.shutdown();
            assertThat(q.toString()).endsWith(" maxsize=0 shutdown>");
        }

        private void assertAllRaiseShutdown(Queue<String> q) {
            assertThatThrownBy(() -> q.put("data")).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(() -> q.putNowait("data")).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(q::get).isInstanceOf(QueueShutDown.class);
            assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDown.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testShutdownEmpty(String kind) {
            run(() -> {
                Queue<String> q = make(kind, 0);
                Task<String> getTask = getRunningLoop().createTask(q::get);
                yieldOnce(); // the get task must be pending before the shutdown

                q.shutdown(false); // unfinished tasks: 0 -> 0
                assertThat(q.qsize()).isZero();

                // join() returns
                q.join();

                // the get task is done and threw QueueShutDown
                yieldOnce();
                assertThat(getTask.isDone()).isTrue();
                assertThatThrownBy(() -> await(getTask)).isInstanceOf(QueueShutDown.class);

                assertAllRaiseShutdown(q);
                return null;
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testShutdownNonempty(String kind) {
            run(() -> {
                Queue<String> q = make(kind, 1);
                q.putNowait("data");
                Task<Void> joinTask = getRunningLoop().createTask(() -> {
                    q.join();
                    return null;
                });
                Task<Void> putTask = getRunningLoop().createTask(() -> {
                    q.put("data2");
                    return null;
                });

                // the put task is blocked
                yieldOnce();
                assertThat(putTask.isDone()).isFalse();

                q.shutdown(false); // unfinished tasks: 1 -> 1
                assertThat(q.qsize()).isEqualTo(1);

                // the put task is done and threw QueueShutDown
                yieldOnce();
                assertThat(putTask.isDone()).isTrue();
                assertThatThrownBy(() -> await(putTask)).isInstanceOf(QueueShutDown.class);

                // the queued item can still be got
                assertThat(q.get()).isEqualTo("data");

                // join() still waits
                yieldOnce();
                assertThat(joinTask.isDone()).isFalse();

                assertAllRaiseShutdown(q);

                // one unfinished task: marking it done releases join()
                q.taskDone();
                yieldOnce();
                assertThat(joinTask.isDone()).isTrue();
                await(joinTask);

                assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
                return null;
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testShutdownImmediate(String kind) {
            run(() -> {
                Queue<String> q = make(kind, 0);
                q.putNowait("data");
                Task<Void> joinTask = getRunningLoop().createTask(() -> {
                    q.join();
                    return null;
                });

                q.shutdown(true); // unfinished tasks: 1 -> 0
                assertThat(q.qsize()).isZero();

                // join() returned
                yieldOnce();
                assertThat(joinTask.isDone()).isTrue();
                await(joinTask);

                assertAllRaiseShutdown(q);

                // no unfinished tasks remain
                assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
                return null;
            });
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
        void testShutdownImmediateWithUnfinished(String kind) {
            run(() -> {
                Queue<String> q = make(kind, 0);
                q.putNowait("data");
                q.putNowait("data");
                Task<Void> joinTask = getRunningLoop().createTask(() -> {
                    q.join();
                    return null;
                });
                assertThat(q.get()).isEqualTo("data");

                q.shutdown(true); // unfinished tasks: 2 -> 1
                assertThat(q.qsize()).isZero();

                // join() still waits
                yieldOnce();
                assertThat(joinTask.isDone()).isFalse();

                assertAllRaiseShutdown(q);

                // exactly one unfinished task
                q.taskDone();
                assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);

                // join() returned
                yieldOnce();
                assertThat(joinTask.isDone()).isTrue();
                await(joinTask);
                return null;
            });
        }
    }
}
