package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.getRunningLoop;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class EventTest {
    static void yieldOnce() {
        sleep(Duration.ZERO);
    }

    static Task<Void> waiter(Event ev, List<String> log, String name) {
        return createTask(() -> {
            ev.await();
            log.add(name);
            return null;
        }, name);
    }

    @Test
    void setWakesEveryWaiterInTheOrderTheyStartedWaiting() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Event ev = new Event();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d")) {
                tasks.add(waiter(ev, log, name));
            }
            yieldOnce();
            assertThat(ev.statistics()).isEqualTo(new Event.Statistics(false, 4));
            log.add("set");
            ev.set();
            await(gather(tasks));
            assertThat(ev.statistics()).isEqualTo(new Event.Statistics(true, 0));
            return null;
        });
        assertThat(log).containsExactly("set", "a", "b", "c", "d");
    }

    @Test
    void awaitOnASetEventDoesNotSuspend() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Event ev = new Event();
            ev.set();
            Task<Void> other = createTask(() -> {
                log.add("other");
                return null;
            });
            ev.await(); // must not let `other` run
            log.add("main");
            await(other);
            return null;
        });
        assertThat(log).containsExactly("main", "other");
    }

    @Test
    void clearDoesNotTakeBackAWakeUpButBlocksLaterWaiters() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Event ev = new Event();
            Task<Void> early = waiter(ev, log, "early");
            yieldOnce();
            ev.set();
            ev.clear();
            Task<Void> late = waiter(ev, log, "late");
            yieldOnce();
            assertThat(early.isDone()).isTrue();
            assertThat(late.isDone()).isFalse();
            ev.set();
            await(late);
            return null;
        });
        assertThat(log).containsExactly("early", "late");
    }

    @Test
    void setTwiceWakesEachWaiterOnce() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Event ev = new Event();
            Task<Void> a = waiter(ev, log, "a");
            yieldOnce();
            ev.set();
            ev.set();
            await(a);
            yieldOnce();
            return null;
        });
        assertThat(log).containsExactly("a");
    }

    @Test
    void aCancelledWaiterLeavesAndTheOthersAreStillWoken() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Event ev = new Event();
            Task<Void> a = waiter(ev, log, "a");
            Task<Void> b = waiter(ev, log, "b");
            Task<Void> c = waiter(ev, log, "c");
            yieldOnce();
            b.cancel();
            yieldOnce();
            assertThat(ev.statistics().waiters()).isEqualTo(2);
            ev.set();
            await(gather(true, a, b, c));
            assertThat(b.isCancelled()).isTrue();
            return null;
        });
        assertThat(log).containsExactly("a", "c");
    }

    @Test
    void anotherThreadSetsItThroughCallSoonThreadsafe() throws Exception {
        CompletableFuture<String> fromOtherThread = new CompletableFuture<>();
        String result = Asyncio.run(() -> {
            Event ev = new Event();
            ev.clear(); // the first use inside the loop binds the event to it
            EventLoop loop = getRunningLoop();
            Thread t = new Thread(() -> {
                try {
                    ev.set(); // direct use: refused, the event is bound to the loop
                    fromOtherThread.complete("not refused");
                } catch (IllegalStateException e) {
                    fromOtherThread.complete("refused");
                }
                loop.callSoonThreadsafe(ev::set);
            });
            t.start();
            ev.await();
            t.join();
            return "woken";
        });
        assertThat(result).isEqualTo("woken");
        assertThat(fromOtherThread.get()).isEqualTo("refused");
    }

    @Test
    void anEventBelongsToTheFirstLoopThatUsesIt() {
        Event ev = new Event();
        Asyncio.run(() -> {
            ev.set();
            return null;
        });
        Asyncio.run(() -> {
            assertThatThrownBy(ev::await).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bound to a different event loop");
            assertThatThrownBy(ev::clear).isInstanceOf(IllegalStateException.class);
            return null;
        });
        assertThat(ev.isSet()).isTrue();
    }

    @Test
    void awaitOutsideATaskThrows() {
        Event ev = new Event();
        ev.set(); // allowed: unbound, no loop
        assertThatThrownBy(ev::await).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a task");
    }

    @Test
    void toStringShowsTheFlagAndWaiters() {
        Asyncio.run(() -> {
            Event ev = new Event();
            assertThat(ev.toString()).startsWith("<Event@").endsWith("[unset]>");
            Task<Void> w = createTask(() -> {
                ev.await();
                return null;
            });
            yieldOnce();
            assertThat(ev.toString()).endsWith("[unset, waiters:1]>");
            ev.set();
            assertThat(ev.toString()).endsWith("[set, waiters:1]>");
            await(w);
            assertThat(ev.toString()).endsWith("[set]>");
            return null;
        });
    }
}
