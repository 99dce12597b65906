package dev.asyncio4j.internal;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Lock;
import dev.asyncio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** White-box tests of the one wait-queue primitive under every lock and queue. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class WaitQueueTest {
    private static List<WaitQueue.Waiter> enqueue(WaitQueue q, int n) {
        List<WaitQueue.Waiter> ws = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ws.add(q.enqueue());
        }
        return ws;
    }

    @Test
    void countsFollowEveryStateChange() {
        Asyncio.run(() -> {
            WaitQueue q = new WaitQueue("test", "test.wait");
            q.bind(Asyncio.getRunningLoop());
            List<WaitQueue.Waiter> ws = enqueue(q, 4);
            assertThat(q.size()).isEqualTo(4);
            assertThat(q.pendingCount()).isEqualTo(4);
            assertThat(q.allCancelled()).isFalse();

            ws.get(1).cancel();
            assertThat(q.pendingCount()).isEqualTo(3);
            assertThat(q.wake(2, "v")).isEqualTo(2); // skips the cancelled one
            assertThat(ws.get(0).result()).isEqualTo("v");
            assertThat(ws.get(2).result()).isEqualTo("v");
            assertThat(ws.get(3).isDone()).isFalse();
            assertThat(q.pendingCount()).isEqualTo(1);

            ws.get(3).cancel();
            q.remove(ws.get(0));
            q.remove(ws.get(2));
            assertThat(q.size()).isEqualTo(2);
            assertThat(q.allCancelled()).isTrue();
            q.remove(ws.get(1));
            q.remove(ws.get(3));
            q.remove(ws.get(3)); // removing twice is harmless
            assertThat(q.size()).isZero();
            assertThat(q.allCancelled()).isTrue();
            // a waiter cancelled after it left the queue changes no count
            WaitQueue.Waiter late = q.enqueue();
            q.remove(late);
            late.cancel();
            assertThat(q.size()).isZero();
            assertThat(q.pendingCount()).isZero();
            return null;
        });
    }

    @Test
    void wakeFirstLooksOnlyAtTheHead() {
        Asyncio.run(() -> {
            WaitQueue q = new WaitQueue("test", "test.wait");
            q.bind(Asyncio.getRunningLoop());
            List<WaitQueue.Waiter> ws = enqueue(q, 2);
            ws.get(0).cancel();
            // the cancelled head's task will run and pass the turn on itself
            assertThat(q.wakeFirst()).isFalse();
            assertThat(ws.get(1).isDone()).isFalse();
            q.remove(ws.get(0));
            assertThat(q.wakeFirst()).isTrue();
            assertThat(ws.get(1).isDone()).isTrue();
            assertThat(q.wakeFirst()).isFalse(); // already woken
            return null;
        });
    }

    @Test
    void popAndWakeUnlinksDoneWaitersUntilAPendingOne() {
        Asyncio.run(() -> {
            WaitQueue q = new WaitQueue("test", "test.wait");
            q.bind(Asyncio.getRunningLoop());
            List<WaitQueue.Waiter> ws = enqueue(q, 3);
            ws.get(0).cancel();
            assertThat(q.popAndWakeNext()).isTrue();
            assertThat(ws.get(1).isDone()).isTrue();
            assertThat(q.size()).isEqualTo(1);
            assertThat(q.popAndWakeAll()).isEqualTo(1);
            assertThat(q.size()).isZero();
            assertThat(q.popAndWakeNext()).isFalse();
            return null;
        });
    }

    @Test
    void enqueueNeedsABinding() {
        WaitQueue q = new WaitQueue("test", "test.wait");
        assertThatThrownBy(q::enqueue).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sharedBindingsBindTogether() {
        Object owner = "queue";
        LoopBinding binding = new LoopBinding(owner);
        WaitQueue getters = new WaitQueue(owner, binding, "test.wait");
        WaitQueue putters = new WaitQueue(owner, binding, "test.wait");
        Asyncio.run(() -> {
            getters.bind(Asyncio.getRunningLoop());
            assertThat(putters.binding().loop()).isSameAs(Asyncio.getRunningLoop());
            return null;
        });
        Asyncio.run(() -> {
            assertThatThrownBy(() -> putters.bind(Asyncio.getRunningLoop())).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }

    @Test
    void aTaskWaitingOnAPrimitiveShowsItInItsDescription() {
        Asyncio.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<?> waiter = createTask(lock::acquire);
            sleep(Duration.ZERO);
            assertThat(waiter.toString()).contains("wait_for=<waiter of <Lock@").contains("pending>");
            lock.release();
            await(waiter);
            return null;
        });
    }
}
