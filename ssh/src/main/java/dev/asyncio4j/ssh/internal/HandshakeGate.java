package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Future;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Process-wide pacing of new connections: at most a given number of SSH handshakes (TCP connect
 * through authentication) in flight per {@code host:port}, the rest waiting in arrival order. OpenSSH's
 * sshd drops unauthenticated connections beyond its {@code MaxStartups} (10 by default), so a burst of
 * hundreds of connections to one server fails unless the client paces them. Shared by every loop, so
 * guarded by its own lock; waiting suspends only the calling task.
 */
final class HandshakeGate {
    private static final Map<String, HandshakeGate> GATES = new HashMap<>();

    private final String key;
    private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int inFlight;

    private HandshakeGate(String key) {
        this.key = key;
    }

    /** A handshake slot; closing it lets the next waiter in. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits, from a task, until fewer than {@code limit} handshakes to {@code destination} are in flight.
     *
     * @param destination {@code host:port}
     * @param limit       this caller's cap, at least 1
     * @return the slot, to close when the handshake has ended either way
     * @throws dev.asyncio4j.CancelledError if the task is cancelled while waiting (no slot is held then)
     */
    static Permit enter(String destination, int limit) {
        HandshakeGate gate;
        CompletableFuture<Void> turn;
        synchronized (GATES) {
            gate = GATES.computeIfAbsent(destination, HandshakeGate::new);
            if (gate.inFlight < limit) {
                gate.inFlight++;
                return gate::leave;
            }
            turn = new CompletableFuture<>();
            gate.waiters.add(turn);
        }
        Future<Void> waiting = Future.from(turn);
        try {
            Asyncio.await(waiting);
        } catch (RuntimeException | Error e) {
            synchronized (GATES) {
                if (!gate.waiters.remove(turn)) {
                    gate.leave(); // the slot was handed over just as we gave up: pass it on
                }
            }
            throw e;
        }
        return gate::leave;
    }

    /** Hands the slot to the oldest waiter, or frees it; forgets an idle destination. */
    private void leave() {
        synchronized (GATES) {
            CompletableFuture<Void> next = waiters.poll();
            if (next != null) {
                next.complete(null);
                return;
            }
            inFlight--;
            if (inFlight == 0) {
                GATES.remove(key);
            }
        }
    }

    /** @return the handshakes in flight to {@code destination}, for tests */
    static int inFlight(String destination) {
        synchronized (GATES) {
            HandshakeGate gate = GATES.get(destination);
            return gate == null ? 0 : gate.inFlight;
        }
    }
}
