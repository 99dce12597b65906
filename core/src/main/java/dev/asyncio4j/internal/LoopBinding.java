package dev.asyncio4j.internal;

import dev.asyncio4j.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Implementation overview: asyncio's mixins._LoopBoundMixin. The first call made from inside a
 * running loop binds the primitive to that loop; calls from another loop then fail, and once bound,
 * calls from a thread that runs no loop fail too (the primitive's state is loop-confined). Before it
 * is bound, a primitive may be prepared from any single thread (a queue filled before Asyncio.run).
 *
 * asyncio binds only when a task first has to wait; this binds on the first suspending call even when
 * it does not suspend, and on the first state change made inside a loop, so that misuse across loops
 * shows on first use rather than on first contention.
 *
 * The bound loop is the only field that different threads may race to write, so it is a volatile set
 * by compare-and-set.
 */

/** The event loop a synchronisation primitive belongs to, fixed on first use. */
public final class LoopBinding {
    private static final VarHandle LOOP;

    static {
        try {
            LOOP = MethodHandles.lookup().findVarHandle(LoopBinding.class, "loop", DefaultEventLoop.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object owner;
    @SuppressWarnings("unused") // also written through LOOP
    private volatile DefaultEventLoop loop;

    /**
     * Creates an unbound binding.
     *
     * @param owner the primitive, named in error messages
     */
    public LoopBinding(Object owner) {
        this.owner = owner;
    }

    /**
     * Binds to {@code running} if unbound, or checks that the binding is {@code running}.
     *
     * @param running the loop of the calling task
     * @throws IllegalStateException if bound to another loop
     */
    public void bind(EventLoop running) {
        DefaultEventLoop bound = loop;
        if (bound == running) {
            return;
        }
        if (bound == null && LOOP.compareAndSet(this, (DefaultEventLoop) null, (DefaultEventLoop) running)) {
            return;
        }
        throw new IllegalStateException(owner + " is bound to a different event loop (" + loop
                + "); a primitive belongs to the loop that first used it: create one per loop");
    }

    /**
     * Checks a call that changes state without suspending ({@code release}, {@code set},
     * {@code putNowait}): inside a running loop it binds or checks as {@link #bind}; outside any loop
     * it is allowed only while unbound.
     *
     * @throws IllegalStateException if bound to another loop, or bound and called from a thread that
     *                               runs no loop
     */
    public void check() {
        DefaultEventLoop running = DefaultEventLoop.current();
        if (running != null) {
            bind(running);
            return;
        }
        DefaultEventLoop bound = loop;
        if (bound != null) {
            throw new IllegalStateException(owner + " is bound to the event loop " + bound
                    + " and was used from thread " + Thread.currentThread() + ", which runs no event loop;"
                    + " it is loop-confined: call it from that loop's tasks or callbacks, or from another thread"
                    + " through loop.callSoonThreadsafe(...)");
        }
    }

    /**
     * Returns the bound loop.
     *
     * @return the loop, or {@code null} while unbound
     */
    public DefaultEventLoop loop() {
        return loop;
    }
}
