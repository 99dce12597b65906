package dev.asyncio4j.internal;

/** Rethrows a throwable unchanged, checked or not, the way Python re-raises. */
public final class Sneaky {
    private Sneaky() {
    }

    /**
     * Throws {@code t} without wrapping it.
     *
     * @param t the throwable to throw
     * @return never returns; declared so callers can write {@code throw Sneaky.raise(t)}
     */
    public static RuntimeException raise(Throwable t) {
        throw Sneaky.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X cast(Throwable t) throws X {
        throw (X) t;
    }
}
