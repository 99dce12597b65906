package dev.asyncio4j.internal;

import dev.asyncio4j.Permit;

/**
 * A {@link Permit} that runs its release action on the first successful {@link #close()} only; a
 * close refused by the primitive (wrong loop) leaves the permit held, so it can be retried.
 */
public final class OncePermit implements Permit {
    private Runnable release;

    /**
     * Creates a permit.
     *
     * @param release what the first {@code close()} runs
     */
    public OncePermit(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        Runnable r = release;
        if (r != null) {
            r.run();
            release = null;
        }
    }

    @Override
    public String toString() {
        return "<Permit " + (release == null ? "released" : "held") + ">";
    }
}
