package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class QueueTest {
    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    static Task<Void> getter(Queue<String> q, List<String> log, String name) {
        return createTask(() -> {
            log.add(name + " got " + q.get());
            return null;
        }, name);
    }

    static Task<Void> putter(Queue<String> q, List<String> log, String item) {
        return createTask(() -> {
            q.put(item);
            log.add("put " + item);
            return null;
        }, "put-" + item);
    }

    @Test
    void itemsComeOutInTheOrderTheyWentIn() {
        Asyncio.run(() -> {
            Queue<Integer> q = new Queue<>();
            for (int i = 0; i < 10; i++) {
                q.put(i);
            }
            List<Integer> out = new ArrayList<>();
            while (!q.isEmpty()) {
                out.add(q.get());
            }
            assertThat(out).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            return null;
        });
    }

    @Test
    void blockedGettersAreServedInFifoOrder() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>();
            List<Task<Void>> getters = new ArrayList<>();
            for (String name : List.of("g1", "g2", "g3")) {
                getters.add(getter(q, log, name));
            }
            yieldOnce();
            assertThat(q.statistics().getters()).isEqualTo(3);
            q.putNowait("x");
            q.putNowait("y");
            q.putNowait("z");
            await(gather(getters));
            return null;
        });
        assertThat(log).containsExactly("g1 got x", "g2 got y", "g3 got z");
    }

    @Test
    void blockedPuttersAreServedInFifoOrder() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>(1);
            q.putNowait("first");
            List<Task<Void>> putters = new ArrayList<>();
            for (String item : List.of("a", "b", "c")) {
                putters.add(putter(q, log, item));
            }
            yieldOnce();
            assertThat(q.statistics().putters()).isEqualTo(3);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(q.get());
                yieldOnce();
            }
            await(gather(putters));
            assertThat(got).containsExactly("first", "a", "b", "c");
            return null;
        });
        assertThat(log).containsExactly("put a", "put b", "put c");
    }

    @Test
    void nowaitCallsThrowQueueFullAndQueueEmpty() {
        Queue<String> q = new Queue<>(2);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmpty.class).isInstanceOf(NoSuchElementException.class);
        q.putNowait("a");
        q.putNowait("b");
        assertThat(q.isFull()).isTrue();
        assertThatThrownBy(() -> q.putNowait("c")).isInstanceOf(QueueFull.class).isInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(((QueueFull) e).maxsize()).isEqualTo(2));
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(q.getNowait()).isEqualTo("a");
    }

    @Test
    void aZeroOrNegativeMaxsizeIsUnbounded() {
        for (int maxsize : new int[] {0, -1}) {
            Queue<Integer> q = new Queue<>(maxsize);
            for (int i = 0; i < 1000; i++) {
                q.putNowait(i);
            }
            assertThat(q.isFull()).isFalse();
            assertThat(q.qsize()).isEqualTo(1000);
            assertThat(q.maxsize()).isEqualTo(maxsize);
        }
    }

    @Test
    void nullItemsAreRejected() {
        Queue<String> q = new Queue<>();
        assertThatThrownBy(() -> q.putNowait(null)).isInstanceOf(NullPointerException.class);
        Asyncio.run(() -> {
            assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
            return null;
        });
        assertThat(q.qsize()).isZero();
    }

    @Test
    void joinWaitsUntilEveryItemIsMarkedDone() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<Integer> q = new Queue<>();
            for (int i = 0; i < 3; i++) {
                q.putNowait(i);
            }
            Task<Void> worker = createTask(() -> {
                while (true) {
                    int item = q.get();
                    yieldOnce();
                    log.add("done " + item);
                    q.taskDone();
                }
            });
            q.join();
            log.add("joined");
            assertThat(q.statistics().unfinished()).isZero();
            worker.cancel();
            assertThatThrownBy(() -> await(worker)).isInstanceOf(CancelledError.class);
            return null;
        });
        assertThat(log).containsExactly("done 0", "done 1", "done 2", "joined");
    }

    @Test
    void taskDoneMoreOftenThanPutThrows() {
        Queue<String> q = new Queue<>();
        q.putNowait("a");
        q.getNowait();
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class).hasMessage("taskDone() called too many times");
    }

    @Test
    void shutdownWakesBlockedPuttersAndLetsConsumersDrain() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>(2);
            q.putNowait("a");
            q.putNowait("b");
            Task<Void> blocked = putter(q, log, "c");
            yieldOnce();
            q.shutdown();
            assertThatThrownBy(() -> await(blocked)).isInstanceOf(QueueShutDown.class);
            // consumers still get what is queued, then QueueShutDown
            Task<Void> consumer = createTask(() -> {
                try {
                    while (true) {
                        log.add("got " + q.get());
                        q.taskDone();
                    }
                } catch (QueueShutDown e) {
                    log.add("shut down");
                }
                return null;
            });
            await(consumer);
            q.join();
            assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 2, 0, 0, 0, true));
            return null;
        });
        assertThat(log).containsExactly("got a", "got b", "shut down");
    }

    @Test
    void shutdownWakesBlockedGettersOfAnEmptyQueue() {
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>();
            List<Task<String>> getters = List.of(createTask(q::get), createTask(q::get));
            yieldOnce();
            q.shutdown(false);
            for (Task<String> g : getters) {
                assertThatThrownBy(() -> await(g)).isInstanceOf(QueueShutDown.class);
            }
            assertThat(q.statistics().getters()).isZero();
            return null;
        });
    }

    @Test
    void immediateShutdownDiscardsItemsMarksThemDoneAndReleasesJoin() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>();
            for (String item : List.of("a", "b", "c")) {
                q.putNowait(item);
            }
            assertThat(q.get()).isEqualTo("a"); // got, not yet done: stays unfinished
            Task<Void> joiner = createTask(() -> {
                q.join();
                log.add("joined");
                return null;
            });
            yieldOnce();
            q.shutdown(true);
            assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 0, 0, 0, 1, true));
            assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDown.class);
            yieldOnce();
            assertThat(joiner.isDone()).isFalse();
            log.add("a done");
            q.taskDone();
            await(joiner);
            // shutting down again changes nothing
            q.shutdown(true);
            q.shutdown(false);
            assertThat(q.statistics().shutDown()).isTrue();
            return null;
        });
        assertThat(log).containsExactly("a done", "joined");
    }

    @Test
    void immediateShutdownWakesGettersEvenIfAPutArrivedFirst() {
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> g = createTask(q::get);
            yieldOnce();
            q.putNowait("x");   // announced to g, which has not run yet
            q.shutdown(true);   // discards "x"
            assertThatThrownBy(() -> await(g)).isInstanceOf(QueueShutDown.class);
            assertThat(q.statistics().unfinished()).isZero();
            return null;
        });
    }

    @Test
    void aGetterCancelledAfterAnItemWasAnnouncedPassesItToTheNextGetter() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>();
            Task<Void> g1 = getter(q, log, "g1");
            Task<Void> g2 = getter(q, log, "g2");
            yieldOnce();
            q.putNowait("x"); // wakes g1 ...
            g1.cancel();      // ... which leaves before taking it
            await(g2);
            assertThat(g1.isCancelled()).isTrue();
            assertThat(q.qsize()).isZero();
            return null;
        });
        assertThat(log).containsExactly("g2 got x");
    }

    @Test
    void aPutterCancelledAfterRoomWasMadePassesTheSlotToTheNextPutter() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>(1);
            q.putNowait("first");
            Task<Void> p1 = putter(q, log, "p1");
            Task<Void> p2 = putter(q, log, "p2");
            yieldOnce();
            assertThat(q.getNowait()).isEqualTo("first"); // wakes p1 ...
            p1.cancel();                                   // ... which leaves without putting
            await(p2);
            assertThat(p1.isCancelled()).isTrue();
            assertThat(q.getNowait()).isEqualTo("p2");
            assertThat(q.isEmpty()).isTrue();
            return null;
        });
        assertThat(log).containsExactly("put p2");
    }

    @Test
    void underRandomCancellationItemsPutEqualItemsGotPlusItemsLeft() {
        Random random = new Random(42);
        int[] put = {0};
        int[] got = {0};
        List<Integer> gotItems = new ArrayList<>();
        Asyncio.run(() -> {
            Queue<Integer> q = new Queue<>(3);
            List<Task<Void>> tasks = new ArrayList<>();
            int[] next = {0};
            for (int round = 0; round < 300; round++) {
                if (random.nextBoolean()) {
                    tasks.add(createTask(() -> {
                        int item = next[0]++;
                        q.put(item);
                        put[0]++;
                        return null;
                    }));
                } else {
                    tasks.add(createTask(() -> {
                        int item = q.get();
                        got[0]++;
                        gotItems.add(item);
                        return null;
                    }));
                }
                if (random.nextInt(3) == 0) {
                    tasks.get(random.nextInt(tasks.size())).cancel();
                }
                if (random.nextInt(4) == 0) {
                    yieldOnce();
                }
            }
            for (int i = 0; i < 5; i++) {
                yieldOnce();
            }
            // whoever is still blocked now can never finish: cancel them all
            tasks.forEach(Task::cancel);
            await(gather(true, tasks));
            assertThat(tasks.stream().filter(Task::isCancelled).count()).isPositive();
            assertThat(put[0]).isEqualTo(got[0] + q.qsize());
            assertThat(q.statistics().unfinished()).isEqualTo(put[0]);
            assertThat(q.statistics().getters()).isZero();
            assertThat(q.statistics().putters()).isZero();
            return null;
        });
        assertThat(put[0]).isPositive();
        assertThat(got[0]).isPositive();
        // no item was got twice
        assertThat(gotItems).doesNotHaveDuplicates();
    }

    @Test
    void aQueuePreparedBeforeTheLoopBindsToTheLoopThatUsesIt() {
        Queue<String> q = new Queue<>();
        q.putNowait("prepared"); // no loop yet: allowed while unbound
        Asyncio.run(() -> {
            assertThat(q.get()).isEqualTo("prepared");
            q.putNowait("left over");
            return null;
        });
        Asyncio.run(() -> {
            assertThatThrownBy(q::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("bound to a different event loop");
            assertThatThrownBy(() -> q.putNowait("x")).isInstanceOf(IllegalStateException.class);
            return null;
        });
        assertThatThrownBy(q::getNowait).isInstanceOf(IllegalStateException.class).hasMessageContaining("runs no event loop");
        assertThat(q.qsize()).isEqualTo(1);
    }

    @Test
    void blockingCallsNeedATask() {
        Queue<String> q = new Queue<>();
        assertThatThrownBy(q::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
        assertThatThrownBy(() -> q.put("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
        assertThatThrownBy(q::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
    }

    @Test
    void statisticsAndToStringDescribeTheQueue() {
        Asyncio.run(() -> {
            Queue<String> q = new Queue<>(1);
            assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 1, 0, 0, 0, false));
            Task<String> g = createTask(q::get);
            yieldOnce();
            assertThat(q.toString()).startsWith("<Queue@").endsWith(" maxsize=1 getters[1]>");
            q.putNowait("a");
            await(g);
            q.putNowait("b");
            Task<Void> p = createTask(() -> {
                q.put("c");
                return null;
            });
            yieldOnce();
            assertThat(q.statistics()).isEqualTo(new Queue.Statistics(1, 1, 0, 1, 2, false));
            assertThat(q.toString()).endsWith(" maxsize=1 queue=[b] putters[1] tasks=2>");
            q.shutdown();
            assertThatThrownBy(() -> await(p)).isInstanceOf(QueueShutDown.class);
            assertThat(q.toString()).endsWith(" maxsize=1 queue=[b] tasks=2 shutdown>");
            return null;
        });
    }

    @Test
    void exceptionTypesMapToTheJdkMeanings() {
        assertThat(new QueueEmpty()).isInstanceOf(NoSuchElementException.class);
        assertThat(new QueueFull(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("maxsize=3");
        assertThat(new QueueShutDown()).isInstanceOf(IllegalStateException.class);
    }
}
