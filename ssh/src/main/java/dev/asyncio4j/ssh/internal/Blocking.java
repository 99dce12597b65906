package dev.asyncio4j.ssh.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Future;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Runs blocking MINA calls that acquire resources (an SFTP session, a copy, a port listener) on the loop's
 * default executor, so that a cancelled caller never leaks what the call acquired.
 */
final class Blocking {
    /** Releases a result that arrived after its caller was cancelled. */
    interface Discard<T> {
        void discard(T value) throws IOException;
    }

    private Blocking() {
    }

    /**
     * Runs {@code job} on the running loop's default executor and suspends the task until it returns;
     * if the task is cancelled meanwhile, runs {@code stop}, waits for the job to end, discards its
     * result, and rethrows the cancellation.
     */
    static <T> T uncancellable(Callable<T> job, Runnable stop, Discard<T> discard) {
        Future<T> running = Asyncio.getRunningLoop().runInExecutor(null, job);
        try {
            return Asyncio.await(Asyncio.shield(running));
        } catch (CancelledError e) {
            stop.run();
            // Wait for the job to stop, even through further cancellations (a progress callback may
            // cancel again): the cancellation must not outrun the job's clean-up.
            while (!running.isDone()) {
                try {
                    Asyncio.await(Asyncio.shield(running));
                } catch (CancelledError again) {
                    // still stopping
                } catch (Exception failedWhileStopping) {
                    // the job failed while stopping: it has cleaned up, which is all we waited for
                }
            }
            if (!running.isCancelled() && running.exception() == null && running.result() != null) {
                try {
                    discard.discard(running.result());
                } catch (IOException | RuntimeException ignored) {
                    // best effort: the caller is being cancelled and sees that, not this
                }
            }
            throw e;
        }
    }
}
