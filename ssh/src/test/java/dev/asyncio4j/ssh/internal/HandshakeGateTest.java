package dev.asyncio4j.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Event;
import dev.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-destination cap on handshakes in flight: FIFO hand-over, no slot leaked by cancellation. */
class HandshakeGateTest {

    @Test
    void atMostLimitHoldersAndWaitersGetInInArrivalOrder() {
        String dest = "gate-test-fifo:22";
        List<String> log = Asyncio.run(() -> {
            List<String> order = new ArrayList<>();
            List<Event> release = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Event done = new Event();
                release.add(done);
                String name = "t" + i;
                tasks.add(Asyncio.createTask(() -> {
                    try (HandshakeGate.Permit slot = HandshakeGate.enter(dest, 2)) {
                        assertThat(HandshakeGate.inFlight(dest)).isBetween(1, 2);
                        order.add(name);
                        done.await();
                    }
                    return null;
                }));
            }
            Asyncio.sleep(java.time.Duration.ofMillis(20));
            assertThat(order).containsExactly("t0", "t1");
            assertThat(HandshakeGate.inFlight(dest)).isEqualTo(2);
            for (int i = 4; i >= 0; i--) {
                release.get(i).set(); // later ones are released first: they must still wait their turn
            }
            Asyncio.await(Asyncio.gather(tasks));
            return order;
        });
        assertThat(log).containsExactly("t0", "t1", "t2", "t3", "t4");
        assertThat(HandshakeGate.inFlight(dest)).isZero();
    }

    @Test
    void aCancelledWaiterHoldsNoSlot() {
        String dest = "gate-test-cancel:22";
        Asyncio.run(() -> {
            Event hold = new Event();
            Task<Void> holder = Asyncio.createTask(() -> {
                try (HandshakeGate.Permit slot = HandshakeGate.enter(dest, 1)) {
                    hold.await();
                }
                return null;
            });
            Task<Void> waiter = Asyncio.createTask(() -> {
                try (HandshakeGate.Permit slot = HandshakeGate.enter(dest, 1)) {
                    return null;
                }
            });
            Asyncio.sleep(java.time.Duration.ofMillis(20));
            waiter.cancel();
            Asyncio.sleep(java.time.Duration.ofMillis(20));
            assertThat(waiter.isCancelled()).isTrue();
            hold.set();
            Asyncio.await(holder);
            assertThat(HandshakeGate.inFlight(dest)).isZero();
            try (HandshakeGate.Permit again = HandshakeGate.enter(dest, 1)) {
                assertThat(HandshakeGate.inFlight(dest)).isEqualTo(1);
            }
            return null;
        });
        assertThat(HandshakeGate.inFlight(dest)).isZero();
    }
}
