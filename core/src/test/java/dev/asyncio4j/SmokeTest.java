package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.*;
import static org.assertj.core.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void runReturnsValue() {
        assertThat(Asyncio.run(() -> 42)).isEqualTo(42);
    }

    @Test
    void gatherRunsConcurrently() {
        // On virtual time the loop's clock is exact: two concurrent 100 ms sleeps end at 100 ms, not 200.
        List<Object> r = dev.asyncio4j.testing.VirtualTime.run(() -> {
            EventLoop loop = getRunningLoop();
            long t0 = loop.time();
            Task<String> a = createTask(() -> { sleep(Duration.ofMillis(100)); return "a"; });
            Task<String> b = createTask(() -> { sleep(Duration.ofMillis(100)); return "b"; });
            List<String> both = await(gather(a, b));
            return List.of(both, Duration.ofNanos(loop.time() - t0));
        });
        assertThat(r).containsExactly(List.of("a", "b"), Duration.ofMillis(100));
    }

    @Test
    void cancelDeliversCancelledError() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> t = createTask(() -> {
                try { sleep(Duration.ofSeconds(10)); } catch (CancelledError e) { log.add("cancelled:" + e.getMessage()); throw e; }
                return null;
            });
            sleep(Duration.ZERO);
            t.cancel("bye");
            try { await(t); } catch (CancelledError e) { log.add("outer:" + e.getMessage()); }
            log.add("cancelled=" + t.isCancelled());
            return null;
        });
        assertThat(log).containsExactly("cancelled:bye", "outer:bye", "cancelled=true");
    }

    @Test
    void manySwitches() {
        int n = Asyncio.run(() -> {
            int c = 0;
            for (int i = 0; i < 100_000; i++) { sleep(Duration.ZERO); c++; }
            return c;
        });
        assertThat(n).isEqualTo(100_000);
    }

    @Test
    void manyTasks() {
        long sum = Asyncio.run(() -> {
            List<Task<Integer>> ts = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) { int k = i; ts.add(createTask(() -> k)); }
            long s = 0;
            for (int v : await(gather(ts))) s += v;
            return s;
        });
        assertThat(sum).isEqualTo(100_000L * 99_999 / 2);
    }

    @Test
    void timeoutAndTaskGroup() {
        assertThatThrownBy(() -> Asyncio.run(() -> Asyncio.timeout(Duration.ofMillis(20), s -> { sleep(Duration.ofSeconds(10)); return 1; })))
                .isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> Asyncio.run(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> { sleep(Duration.ofMillis(10)); throw new IllegalStateException("boom"); });
            tg.createTask(() -> { sleep(Duration.ofSeconds(10)); return 1; });
            sleep(Duration.ofSeconds(10));
            return null;
        }))).isInstanceOf(TaskGroupException.class).hasMessageContaining("1 sub-exception");
    }
}
