package dev.asyncio4j.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The callbacks of {@code addReader}/{@code addWriter} for one channel: asyncio's per-fd reader and
 * writer handles. The watcher owns the channel's selector registration while either callback is set.
 */
final class ChannelWatcher extends IoTarget {
    private final SelectableChannel channel;
    private Runnable reader;
    private Runnable writer;

    ChannelWatcher(DefaultEventLoop loop, SelectableChannel channel) {
        super(loop);
        this.channel = channel;
    }

    void start() {
        try {
            register(channel, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + channel + ": " + e.getMessage(), e);
        }
    }

    /*
     * Sets or clears one callback. The registration is kept with an empty interest set when both are
     * cleared (a cancelled key could not be registered again before the next select); closing the
     * channel cancels it.
     */
    boolean set(boolean read, Runnable callback) {
        boolean had = (read ? reader : writer) != null;
        int ops;
        if (read) {
            reader = callback;
            ops = channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        } else {
            writer = callback;
            ops = channel.validOps() & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        interest(ops, callback != null);
        return had;
    }

    @Override
    protected void onReady(int readyOps) {
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && reader != null) {
            call(reader, "reader");
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && writer != null) {
            call(writer, "writer");
        }
    }

    private void call(Runnable callback, String kind) {
        try {
            callback.run();
        } catch (Throwable e) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Exception in " + kind + " callback " + callback + " of " + channel);
            context.put("exception", e);
            loop.callExceptionHandler(context);
        }
    }
}
