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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class BarrierTest {
    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    @Test
    void everyPartyGetsADistinctIndexAndTheLastArrivalGetsTheHighest() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(3);
            List<Task<Integer>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                tasks.add(createTask(() -> {
                    log.add(name + " arrives");
                    int index = barrier.await();
                    log.add(name + " leaves " + index);
                    return index;
                }));
                yieldOnce();
            }
            assertThat(await(gather(tasks))).containsExactly(0, 1, 2);
            return null;
        });
        // nobody leaves before the last party arrives; the last one leaves first
        assertThat(log).containsExactly("a arrives", "b arrives", "c arrives", "c leaves 2", "a leaves 0", "b leaves 1");
    }

    @Test
    void theBarrierCyclesAndLateArrivalsWaitForTheNextCycle() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(2);
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d")) {
                tasks.add(createTask(() -> {
                    for (int round = 0; round < 3; round++) {
                        barrier.await();
                        log.add(round + name);
                    }
                    return null;
                }));
            }
            await(gather(tasks));
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(2, 0, Barrier.State.FILLING));
            return null;
        });
        assertThat(log).hasSize(12);
        // each cycle releases two parties: the log is made of consecutive pairs from one round
        for (int i = 0; i < 12; i += 2) {
            assertThat(log.get(i).charAt(0)).isEqualTo(log.get(i + 1).charAt(0));
        }
    }

    @Test
    void statisticsFollowFillingDrainingAndFilling() {
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(2);
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(2, 0, Barrier.State.FILLING));
            Task<Integer> first = createTask(barrier::await);
            yieldOnce();
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(2, 1, Barrier.State.FILLING));
            Task<Integer> second = createTask(barrier::await);
            yieldOnce();
            // the second party tripped it: the first has been woken but has not left yet
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(2, 0, Barrier.State.DRAINING));
            assertThat(await(first) + await(second)).isEqualTo(1);
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(2, 0, Barrier.State.FILLING));
            return null;
        });
    }

    @Test
    void abortBreaksWaitersAndLaterCallsUntilReset() {
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> a = createTask(barrier::await);
            Task<Integer> b = createTask(barrier::await);
            yieldOnce();
            assertThat(barrier.nWaiting()).isEqualTo(2);
            barrier.abort();
            assertThat(barrier.isBroken()).isTrue();
            assertThat(barrier.nWaiting()).isZero();
            assertThatThrownBy(() -> await(a)).isInstanceOf(BrokenBarrierError.class);
            assertThatThrownBy(() -> await(b)).isInstanceOf(BrokenBarrierError.class);
            assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierError.class).hasMessage("Barrier aborted");
            assertThat(barrier.toString()).endsWith("[broken]>");

            barrier.reset();
            assertThat(barrier.isBroken()).isFalse();
            List<Task<Integer>> again = List.of(createTask(barrier::await), createTask(barrier::await), createTask(barrier::await));
            assertThat(await(gather(again))).containsExactlyInAnyOrder(0, 1, 2);
            return null;
        });
    }

    @Test
    void resetFailsTheCurrentWaitersAndOpensANewCycle() {
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> a = createTask(barrier::await);
            yieldOnce();
            barrier.reset();
            assertThat(barrier.statistics().state()).isEqualTo(Barrier.State.RESETTING);
            assertThatThrownBy(() -> await(a)).isInstanceOf(BrokenBarrierError.class).hasMessage("Abort or reset of barrier");
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(3, 0, Barrier.State.FILLING));
            return null;
        });
    }

    @Test
    void aPartyCancelledWhileFillingNoLongerCounts() {
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(2);
            Task<Integer> a = createTask(barrier::await);
            yieldOnce();
            assertThat(barrier.nWaiting()).isEqualTo(1);
            a.cancel();
            assertThatThrownBy(() -> await(a)).isInstanceOf(CancelledError.class);
            assertThat(barrier.nWaiting()).isZero();
            // two new parties are needed to trip it
            Task<Integer> b = createTask(barrier::await);
            yieldOnce();
            assertThat(b.isDone()).isFalse();
            assertThat(barrier.await()).isEqualTo(1);
            assertThat(await(b)).isZero();
            return null;
        });
    }

    @Test
    void aBarrierOfOnePartyNeverWaits() {
        Asyncio.run(() -> {
            Barrier barrier = new Barrier(1);
            for (int i = 0; i < 3; i++) {
                assertThat(barrier.await()).isZero();
            }
            assertThat(barrier.statistics()).isEqualTo(new Barrier.Statistics(1, 0, Barrier.State.FILLING));
            return null;
        });
    }

    @Test
    void partiesMustBePositiveAndCallsNeedATask() {
        assertThatThrownBy(() -> new Barrier(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parties");
        Barrier barrier = new Barrier(2);
        assertThat(barrier.parties()).isEqualTo(2);
        assertThatThrownBy(barrier::await).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
        assertThatThrownBy(barrier::abort).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
        assertThatThrownBy(barrier::reset).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void brokenBarrierErrorIsAnIllegalStateException() {
        assertThat(new BrokenBarrierError("x")).isInstanceOf(IllegalStateException.class).hasMessage("x");
    }
}
