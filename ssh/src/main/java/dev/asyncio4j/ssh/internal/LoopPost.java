package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.EventLoop;

/** Posts MINA-thread completions to a loop; a completion arriving after the loop closed is dropped. */
final class LoopPost {
    private LoopPost() {
    }

    static void post(EventLoop loop, Runnable callback) {
        try {
            loop.callSoonThreadsafe(callback);
        } catch (IllegalStateException closed) {
            // the loop is gone: nobody is left to tell
        }
    }
}
