package dev.asyncio4j;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wake-up fails instead of hanging
class LifoQueueTest {
    @Test
    void theMostRecentItemComesOutFirst() {
        LifoQueue<Integer> q = new LifoQueue<>();
        for (int i = 0; i < 5; i++) {
            q.putNowait(i);
        }
        List<Integer> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.getNowait());
        }
        assertThat(out).containsExactly(4, 3, 2, 1, 0);
    }

    @Test
    void aBlockedGetterTakesTheTopOfTheStackWhenItRuns() {
        Asyncio.run(() -> {
            LifoQueue<String> q = new LifoQueue<>();
            Task<String> g = createTask(q::get);
            sleep(Duration.ZERO);
            q.putNowait("bottom");
            q.putNowait("top");
            assertThat(await(g)).isEqualTo("top");
            assertThat(q.getNowait()).isEqualTo("bottom");
            return null;
        });
    }

    @Test
    void aFullStackBlocksPuttersUntilAnItemIsTaken() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            LifoQueue<String> q = new LifoQueue<>(2);
            q.put("a");
            q.put("b");
            Task<Void> p = createTask(() -> {
                q.put("c");
                log.add("put c");
                return null;
            });
            sleep(Duration.ZERO);
            log.add("got " + q.get());
            await(p);
            log.add("got " + q.get());
            log.add("got " + q.get());
            return null;
        });
        assertThat(log).containsExactly("got b", "put c", "got c", "got a");
    }

    @Test
    void toStringListsTheTopFirst() {
        LifoQueue<Integer> q = new LifoQueue<>();
        q.putNowait(1);
        q.putNowait(2);
        assertThat(q.toString()).startsWith("<LifoQueue@").contains("queue=[2, 1]").contains("tasks=2");
    }
}
