package dev.asyncio4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** White-box tests of the loop's timer heap. */
class TimerQueueTest {
    private static final Runnable NOOP = () -> { };
    private static final Comparator<TimerHandleImpl> ORDER =
            Comparator.<TimerHandleImpl>comparingLong(t -> t.when).thenComparingLong(t -> t.seq);

    private final TimerQueue queue = new TimerQueue();

    /** Checks the heap property and the back-pointers of every slot, reading the private array. */
    private void assertHeapInvariants() {
        TimerHandleImpl[] heap;
        try {
            Field f = TimerQueue.class.getDeclaredField("heap");
            f.setAccessible(true);
            heap = (TimerHandleImpl[]) f.get(queue);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        int size = queue.size();
        for (int i = 0; i < size; i++) {
            TimerHandleImpl t = heap[i];
            assertThat(t).as("slot %d", i).isNotNull();
            assertThat(t.heapIndex).as("back-pointer of slot %d", i).isEqualTo(i);
            assertThat(t.isCancelled()).as("cancelled timer left in slot %d", i).isFalse();
            if (i > 0) {
                TimerHandleImpl parent = heap[(i - 1) / 2];
                assertThat(t.before(parent)).as("slot %d sorts before its parent", i).isFalse();
            }
        }
        for (int i = size; i < heap.length; i++) {
            assertThat(heap[i]).as("stale reference in free slot %d", i).isNull();
        }
    }

    private List<TimerHandleImpl> drain() {
        List<TimerHandleImpl> out = new ArrayList<>();
        TimerHandleImpl t;
        while ((t = queue.poll()) != null) {
            assertThat(t.heapIndex).isEqualTo(-1);
            out.add(t);
        }
        return out;
    }

    @Test
    void equalDeadlinesComeOutInInsertionOrder() {
        List<TimerHandleImpl> added = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            added.add(queue.add(1_000, NOOP));
        }
        assertHeapInvariants();
        assertThat(drain()).containsExactlyElementsOf(added);
    }

    @Test
    void earliestDeadlineFirstThenInsertionOrder() {
        Random random = new Random(7);
        List<TimerHandleImpl> added = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            added.add(queue.add(random.nextInt(50), NOOP));
        }
        assertHeapInvariants();
        assertThat(queue.peek()).isSameAs(added.stream().min(ORDER).orElseThrow());
        List<TimerHandleImpl> expected = new ArrayList<>(added);
        expected.sort(ORDER);
        assertThat(drain()).containsExactlyElementsOf(expected);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.poll()).isNull();
        assertThat(queue.peek()).isNull();
    }

    @Test
    void cancelRemovesTheTimerAtOnce() {
        List<TimerHandleImpl> added = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            added.add(queue.add(i, NOOP));
        }
        added.get(0).cancel();
        added.get(4).cancel();
        added.get(9).cancel();
        assertThat(queue.size()).isEqualTo(7);
        assertThat(added.get(4).heapIndex).isEqualTo(-1);
        assertHeapInvariants();
        added.get(4).cancel();
        assertThat(queue.size()).as("cancelling twice removes nothing more").isEqualTo(7);
        assertThat(drain()).extracting(t -> t.when).containsExactly(1L, 2L, 3L, 5L, 6L, 7L, 8L);
    }

    @Test
    void cancellingAPolledTimerDoesNotRemoveTheTimerNowInItsSlot() {
        TimerHandleImpl first = queue.add(1, NOOP);
        TimerHandleImpl second = queue.add(2, NOOP);
        assertThat(queue.poll()).isSameAs(first);
        first.cancel();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.peek()).isSameAs(second);
        assertHeapInvariants();
    }

    /** CPython's test__run_once_cancelled_event_cleanup: cancelled timers do not linger. */
    @Test
    void manyCancelledTimersLeaveNothingBehind() {
        TimerHandleImpl kept = queue.add(3_000, NOOP);
        for (int i = 0; i < 1_000; i++) {
            queue.add(i % 2 == 0 ? 100 : 3_600, NOOP).cancel();
        }
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.peek()).isSameAs(kept);
        assertHeapInvariants();
    }

    @Test
    void randomAddsCancelsAndPollsKeepTheHeapConsistentWithAReferenceModel() {
        Random random = new Random(0xA51C10L);
        TreeSet<TimerHandleImpl> model = new TreeSet<>(ORDER);
        List<TimerHandleImpl> live = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            int kind = random.nextInt(10);
            if (kind < 5 || live.isEmpty()) {
                TimerHandleImpl t = queue.add(random.nextInt(200), NOOP);
                model.add(t);
                live.add(t);
            } else if (kind < 8) {
                TimerHandleImpl t = live.remove(random.nextInt(live.size()));
                t.cancel();
                model.remove(t);
            } else {
                TimerHandleImpl expected = model.pollFirst();
                TimerHandleImpl got = queue.poll();
                assertThat(got).as("poll at op %d", op).isSameAs(expected);
                live.remove(got);
            }
            assertThat(queue.size()).isEqualTo(model.size());
            if (op % 7 == 0) {
                assertHeapInvariants();
            }
        }
        assertHeapInvariants();
        assertThat(drain()).containsExactlyElementsOf(new ArrayList<>(model));
    }

    @Test
    void clearDetachesEveryTimer() {
        List<TimerHandleImpl> added = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            added.add(queue.add(40 - i, NOOP));
        }
        queue.clear();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(added).allSatisfy(t -> assertThat(t.heapIndex).isEqualTo(-1));
        added.get(3).cancel();
        TimerHandleImpl after = queue.add(5, NOOP);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.poll()).isSameAs(after);
        assertHeapInvariants();
    }
}
