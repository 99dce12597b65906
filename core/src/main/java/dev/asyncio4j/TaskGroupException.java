package dev.asyncio4j;

import java.util.List;

/**
 * The failures of a {@link TaskGroup}, reported together: asyncio's {@code ExceptionGroup} as raised
 * by {@code TaskGroup.__aexit__}.
 *
 * <pre>{@code
 * try {
 *     TaskGroup.run(tg -> {
 *         tg.createTask(() -> { throw new IOException("a"); });
 *         tg.createTask(() -> { throw new IllegalStateException("b"); });
 *         return null;
 *     });
 * } catch (TaskGroupException e) {
 *     e.exceptions();   // [IOException: a, IllegalStateException: b], in the order they failed
 * }
 * }</pre>
 *
 * <p>{@link CancelledError}s of children are never part of the group. Each cause is also attached as
 * a suppressed exception so that a printed stack trace shows all of them.
 */
public final class TaskGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Throwable> exceptions;

    /**
     * Creates a group of failures.
     *
     * @param message   a summary
     * @param exceptions the failures, in the order they happened; not empty
     * @throws IllegalArgumentException if {@code exceptions} is empty
     */
    public TaskGroupException(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")",
                exceptions.isEmpty() ? null : exceptions.get(0));
        if (exceptions.isEmpty()) {
            throw new IllegalArgumentException("a TaskGroupException needs at least one exception");
        }
        this.exceptions = List.copyOf(exceptions);
        for (Throwable t : this.exceptions.subList(1, this.exceptions.size())) {
            addSuppressed(t);
        }
    }

    /**
     * Returns the failures in the order they happened.
     *
     * @return an immutable, non-empty list
     */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
