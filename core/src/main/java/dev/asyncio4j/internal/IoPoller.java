package dev.asyncio4j.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A loop's NIO selector. Created the first time a channel registers, so loops without I/O never pay
 * for a selector; only the thread holding the loop's baton selects, registers or changes interest.
 * It counts the channels that want some operation, because a loop with nothing to watch idles by
 * parking (cheaper to wake than a selector) and a virtual-time loop may only jump its clock when no
 * I/O can arrive.
 */
final class IoPoller {
    private final Selector selector;
    private final Consumer<SelectionKey> onSelected = k -> ((IoTarget) k.attachment()).ready(k.readyOps());
    private int watching;

    IoPoller() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a NIO selector for the event loop", e);
        }
    }

    SelectionKey register(SelectableChannel channel, int ops, IoTarget target) throws ClosedChannelException {
        SelectionKey key = channel.register(selector, ops, target);
        interestChanged(0, ops);
        return key;
    }

    /* The target a channel is registered to here, or null. */
    Object ownerOf(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        return key != null && key.isValid() ? key.attachment() : null;
    }

    void interestChanged(int before, int after) {
        if (before == 0 && after != 0) {
            watching++;
        } else if (before != 0 && after == 0) {
            watching--;
        }
    }

    /** Whether some registered channel waits for an operation. */
    boolean watching() {
        return watching > 0;
    }

    /**
     * Polls the selector and hands every ready channel to its target.
     *
     * @param nanos 0 to poll without blocking, a positive bound, or negative to block until an event
     *              or a {@link #wakeup()}
     */
    void select(long nanos) throws IOException {
        if (nanos == 0) {
            selector.selectNow(onSelected);
        } else if (nanos < 0) {
            selector.select(onSelected);
        } else {
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
            selector.select(onSelected, millis);
        }
    }

    /*
     * A closed channel that is still registered keeps its descriptor until the selector drops the
     * cancelled key at its next select; a closed listening socket would go on accepting (and then
     * resetting) connections until then. A non-blocking select drops it now; what it finds ready is
     * dispatched as usual.
     */
    void flushClosed() {
        try {
            selector.selectNow(onSelected);
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed while releasing closed channels", e);
        }
    }

    void wakeup() {
        selector.wakeup();
    }

    /* Closes the selector and every channel still registered: a closed loop leaks no socket. */
    void close() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // best effort: the descriptor is released by the close attempt or never was open
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing a selector only releases its epoll descriptor; nothing to recover
        }
    }
}
