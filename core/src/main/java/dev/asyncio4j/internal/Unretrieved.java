package dev.asyncio4j.internal;

import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * Implementation overview: asyncio reports "exception was never retrieved" from Future.__del__, i.e.
 * whenever the garbage collector gets round to it, and never if the future stays reachable. Here a
 * failed future registers a weak reference; retrieving the exception (result(), exception(), an await)
 * unregisters it. The loop polls the reference queue once per iteration, so a future that became
 * garbage is reported soon after the GC notices, and close() reports every registration that is left:
 * at the latest when the loop closes, deterministically.
 */

/** Failed futures whose exception nobody has looked at yet. Loop-confined. */
final class Unretrieved {
    private final ReferenceQueue<Future<?>> queue = new ReferenceQueue<>();
    private final Set<Ref> live = new HashSet<>();

    private static final class Ref extends WeakReference<Future<?>> {
        final Throwable error;
        final String description;
        final boolean task;

        Ref(Future<?> future, Throwable error, ReferenceQueue<Future<?>> queue) {
            super(future, queue);
            this.error = error;
            this.description = future.toString();
            this.task = future instanceof Task;
        }
    }

    Object track(Future<?> future, Throwable error) {
        Ref ref = new Ref(future, error, queue);
        live.add(ref);
        return ref;
    }

    void untrack(Object token) {
        live.remove(token);
    }

    boolean isEmpty() {
        return live.isEmpty();
    }

    void pollCollected(DefaultEventLoop loop) {
        Object r;
        while ((r = queue.poll()) != null) {
            Ref ref = (Ref) r;
            if (live.remove(ref)) {
                report(loop, ref);
            }
        }
    }

    void reportAll(DefaultEventLoop loop) {
        List<Ref> left = new ArrayList<>(live);
        live.clear();
        for (Ref ref : left) {
            report(loop, ref);
        }
    }

    private static void report(DefaultEventLoop loop, Ref ref) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("message", (ref.task ? "Task" : "Future") + " exception was never retrieved");
        context.put("exception", ref.error);
        Future<?> f = ref.get();
        context.put(ref.task ? "task" : "future", f != null ? f : ref.description);
        loop.callExceptionHandler(context);
    }
}
