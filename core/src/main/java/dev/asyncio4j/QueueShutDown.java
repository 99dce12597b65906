package dev.asyncio4j;

/**
 * Thrown by a {@link Queue} that has been shut down: by {@code put} and {@code putNowait} always, by
 * {@code get} and {@code getNowait} once the queue is empty (or at once after
 * {@code shutdown(true)}): asyncio's {@code QueueShutDown} (Python 3.13).
 *
 * <pre>{@code
 * while (true) {
 *     Job job;
 *     try {
 *         job = queue.get();
 *     } catch (QueueShutDown e) {
 *         break;                     // the producer called queue.shutdown()
 *     }
 *     process(job);
 *     queue.taskDone();
 * }
 * }</pre>
 *
 * <p><b>Why an {@link IllegalStateException}.</b> The call is refused because of the queue's state,
 * as the JDK refuses calls on a closed resource with an {@code IllegalStateException} (for example
 * {@code java.util.Scanner} or a closed {@code java.util.stream.Stream}). It is unchecked, like
 * asyncio4j's other queue exceptions, so that a consumer loop needs no {@code throws} clause.
 */
public final class QueueShutDown extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public QueueShutDown() {
        super("the queue is shut down");
    }
}
