package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class PriorityQueueTest {
    record Job(int priority, String name) {
    }

    static <T> List<T> drain(Queue<T> q) {
        List<T> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.getNowait());
        }
        return out;
    }

    @Test
    void itemsComeOutSmallestFirstInNaturalOrder() {
        PriorityQueue<Integer> q = new PriorityQueue<>();
        for (int i : new int[] {5, 1, 4, 2, 3, 0}) {
            q.putNowait(i);
        }
        assertThat(drain(q)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aComparatorDefinesTheOrderAndTiesLeaveInInsertionOrder() {
        PriorityQueue<Job> q = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
        q.putNowait(new Job(2, "b1"));
        q.putNowait(new Job(1, "a1"));
        q.putNowait(new Job(2, "b2"));
        q.putNowait(new Job(1, "a2"));
        q.putNowait(new Job(2, "b3"));
        q.putNowait(new Job(1, "a3"));
        assertThat(drain(q).stream().map(Job::name)).containsExactly("a1", "a2", "a3", "b1", "b2", "b3");
    }

    @Test
    void anItemThatIsNotComparableIsRefusedAndLeavesTheQueueIntact() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        assertThatThrownBy(() -> q.putNowait(new Object())).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("Comparator");
        q.putNowait("b");
        q.putNowait("a");
        assertThatThrownBy(() -> q.putNowait(42)).isInstanceOf(ClassCastException.class);
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(q.statistics().unfinished()).isEqualTo(2);
        assertThat(drain(q)).containsExactly("a", "b");
    }

    @Test
    void aBlockedGetterGetsTheSmallestItemPresentWhenItRuns() {
        Asyncio.run(() -> {
            PriorityQueue<Integer> q = new PriorityQueue<>();
            Task<Integer> g = createTask(q::get);
            sleep(Duration.ZERO);
            q.putNowait(7); // wakes g ...
            q.putNowait(3); // ... which takes the smallest item when it runs
            assertThat(await(g)).isEqualTo(3);
            assertThat(q.getNowait()).isEqualTo(7);
            return null;
        });
    }

    @Test
    void maxsizeAppliesAsForQueue() {
        Asyncio.run(() -> {
            PriorityQueue<Integer> q = new PriorityQueue<>(2, Comparator.reverseOrder());
            q.put(1);
            q.put(9);
            assertThat(q.isFull()).isTrue();
            Task<Void> p = createTask(() -> {
                q.put(5);
                return null;
            });
            sleep(Duration.ZERO);
            assertThat(p.isDone()).isFalse();
            assertThat(q.get()).isEqualTo(9);
            await(p);
            assertThat(drain(q)).containsExactly(5, 1);
            return null;
        });
    }

    @Test
    void toStringListsItemsInTheOrderTheyWillLeave() {
        PriorityQueue<Integer> q = new PriorityQueue<>();
        q.putNowait(3);
        q.putNowait(1);
        q.putNowait(2);
        assertThat(q.toString()).startsWith("<PriorityQueue@").contains("queue=[1, 2, 3]");
        assertThatThrownBy(() -> new PriorityQueue<Integer>(null)).isInstanceOf(NullPointerException.class);
    }
}
