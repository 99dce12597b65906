package dev.asyncio4j.internal;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * A channel registered with a loop's selector: a transport, a listening socket or a pending connect.
 * Readiness reported by one select is recorded here and handled by a single pre-allocated handle
 * in the ready queue, as asyncio's selector loop re-queues the same reader/writer handle each time;
 * so an event costs no allocation.
 */
public abstract class IoTarget {
    final HandleImpl dispatch = new HandleImpl(this::dispatchReady);
    private int pendingOps;
    private SelectionKey key;
    private IoPoller poller;
    /** The loop this channel is registered with. */
    protected final DefaultEventLoop loop;

    /**
     * Creates a target for one channel of {@code loop}.
     *
     * @param loop the loop that will poll the channel
     */
    protected IoTarget(DefaultEventLoop loop) {
        this.loop = loop;
    }

    /**
     * Called on the loop with the operations that became ready since the last call.
     *
     * @param readyOps a set of {@link SelectionKey} OP_* bits
     */
    protected abstract void onReady(int readyOps);

    /**
     * Registers {@code channel} with the loop's selector for {@code ops}; a channel is registered
     * once and then changes its interest with {@link #interest}.
     *
     * @param channel a non-blocking channel
     * @param ops     the initial interest set
     * @throws IOException if the channel is closed or cannot be made non-blocking
     */
    protected final void register(SelectableChannel channel, int ops) throws IOException {
        if (key != null) {
            int before = key.interestOps();
            key.interestOps(ops);
            poller.interestChanged(before, ops);
            return;
        }
        channel.configureBlocking(false);
        poller = loop.poller();
        key = poller.register(channel, ops, this);
    }

    /**
     * Gives this target's registration to {@code next}, which then receives the channel's events
     * (a connected socket passing from its connector to its transport); a cancelled key could not be
     * re-registered before the next select.
     *
     * @param next the new owner of the channel's key
     */
    protected final void handOver(IoTarget next) {
        SelectionKey k = key;
        key = null;
        next.key = k;
        next.poller = poller;
        if (k != null) {
            k.attach(next);
        }
        pendingOps = 0;
    }

    /**
     * Adds or removes interest in {@code op}.
     *
     * @param op the OP_* bit
     * @param on whether the loop should watch for it
     */
    protected final void interest(int op, boolean on) {
        SelectionKey k = key;
        if (k == null || !k.isValid()) {
            return;
        }
        int ops = k.interestOps();
        int next = on ? ops | op : ops & ~op;
        if (next != ops) {
            k.interestOps(next);
            poller.interestChanged(ops, next);
        }
    }

    /** Cancels the registration; the channel is then closed by its owner. */
    protected final void deregister() {
        SelectionKey k = key;
        if (k != null) {
            key = null;
            if (k.isValid()) {
                poller.interestChanged(k.interestOps(), 0);
                k.cancel();
            }
        }
        pendingOps = 0;
    }

    final void ready(int ops) {
        boolean queued = pendingOps != 0;
        pendingOps |= ops;
        if (!queued) {
            loop.enqueueIo(dispatch);
        }
    }

    private void dispatchReady() {
        int ops = pendingOps;
        pendingOps = 0;
        if (ops != 0 && key != null) {
            onReady(ops);
        }
    }
}
