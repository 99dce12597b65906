package dev.asyncio4j.internal;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.Coroutine;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Handle;
import dev.asyncio4j.NetOptions;
import dev.asyncio4j.Protocol;
import dev.asyncio4j.Server;
import dev.asyncio4j.SubprocessOptions;
import dev.asyncio4j.SubprocessProtocol;
import dev.asyncio4j.SubprocessTransport;
import dev.asyncio4j.Transport;
import dev.asyncio4j.Task;
import dev.asyncio4j.TimerHandle;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/*
 * Implementation overview.
 *
 * State: a ready queue (callbacks and task resumptions, FIFO), a timer heap, and a thread-safe inbox
 * for callSoonThreadsafe. All of it except the inbox is touched only by the thread that holds the
 * *baton*: the loop's driver thread (inside runForever) or one of its tasks' virtual threads.
 *
 * Baton: there is no dedicated scheduler thread. A task that suspends runs the scheduler itself
 * (runUntilResumed, nextFiber): it runs ready callbacks until it pops a task resumption, then, out of
 * the scheduler loop's frame, hands the baton to that task's thread (one unpark) and parks. If the
 * resumption it pops is its own (sleep(0) with nobody else ready), it simply returns: no thread
 * switch at all. A finished task's thread runs the scheduler until it hands the baton on, then ends.
 * So a suspension costs at most one virtual-thread switch, and "one task at a time, switches only
 * at awaits" holds by construction: whoever is not holding the baton is parked. The baton's owner is
 * the volatile field `holder`; writing it before unparking the next owner publishes all scheduler
 * state to that owner (happens-before).
 *
 * Iterations: as asyncio's _run_once: drain the inbox, block until the next timer or a wake-up if
 * nothing is ready, move due timers to the ready queue, then run exactly the callbacks that were ready
 * at that point (`ntodo`). stop() takes effect at the end of an iteration, when the baton goes back to
 * the driver thread.
 *
 * Idle: the baton holder parks with a timeout; callSoonThreadsafe unparks it (a Dekker pair on the
 * `sleeper` field and the inbox). Virtual time and the selector hook in here.
 */

/** The event loop engine behind {@link EventLoop}. */
public final class DefaultEventLoop implements EventLoop {
    private static final ThreadLocal<DefaultEventLoop> RUNNING = new ThreadLocal<>();
    private static final System.Logger LOG = System.getLogger("dev.asyncio4j");
    private static final VarHandle STEP;
    private static final AtomicInteger EXECUTOR_THREADS = new AtomicInteger();

    static {
        try {
            STEP = MethodHandles.lookup().findVarHandle(DefaultEventLoop.class, "stepCount", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final boolean virtualTime;
    private volatile long virtualNow;
    private int executorJobsPending;
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private final TimerQueue timers = new TimerQueue();
    private final ConcurrentLinkedQueue<HandleImpl> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> slowReports = new ConcurrentLinkedQueue<>();
    private Fiber liveHead;
    private Fiber liveTail;
    private final Unretrieved unretrieved = new Unretrieved();
    private final Thread.Builder.OfVirtual threads = Thread.ofVirtual();

    private volatile Fiber holder;
    private volatile Thread sleeper;
    private volatile IoPoller poller;
    private java.nio.ByteBuffer readBuffer;
    private volatile boolean running;
    private volatile boolean closed;
    private boolean closing;
    private Fiber driver;
    private int ntodo;
    private boolean stopping;
    private boolean iterated;
    private Task<?> currentTask;

    @SuppressWarnings("unused") // written through STEP
    private long stepCount;
    private Object stepOwner;

    private boolean debug = Boolean.getBoolean("asyncio4j.debug") || System.getenv("ASYNCIO4J_DEBUG") != null;
    private boolean eagerTasks;
    private long slowStepNanos = TimeUnit.MILLISECONDS.toNanos(100);
    private BiConsumer<EventLoop, Map<String, Object>> exceptionHandler;
    private Runnable interruptHandler;
    private ExecutorService defaultExecutor;
    private Set<Thread> executorThreads; // the threads of defaultExecutor when this loop created it

    /** Creates a loop on the real monotonic clock. */
    public DefaultEventLoop() {
        this(false);
    }

    /**
     * Creates a loop on the real clock, or on a virtual clock that starts at zero and jumps to the
     * next timer whenever nothing is ready, no executor job is running and no thread-safe callback
     * is waiting.
     *
     * @param virtualTime whether the loop runs on virtual time
     */
    public DefaultEventLoop(boolean virtualTime) {
        this.virtualTime = virtualTime;
        LoopRegistry.add(this);
    }

    /**
     * Tells whether this loop runs on virtual time.
     *
     * @return {@code true} for a virtual-time loop
     */
    public boolean isVirtualTime() {
        return virtualTime;
    }

    // ---------------------------------------------------------------- lookup

    /**
     * Returns the loop running in this thread, or {@code null}.
     *
     * @return the running loop or {@code null}
     */
    public static DefaultEventLoop current() {
        return RUNNING.get();
    }

    /**
     * Returns the loop running in this thread.
     *
     * @param what the operation that needs it, for the error message
     * @return the running loop
     * @throws IllegalStateException if none runs here
     */
    public static DefaultEventLoop running(String what) {
        DefaultEventLoop loop = RUNNING.get();
        if (loop == null) {
            throw new IllegalStateException(what + " needs a running event loop, and none runs in this thread:"
                    + " call it from a coroutine started by Asyncio.run(...) or loop.createTask(...)");
        }
        return loop;
    }

    /**
     * Returns the task whose coroutine is running, or {@code null} inside a callback.
     *
     * @return the current task or {@code null}
     */
    public Task<?> currentTask() {
        return currentTask;
    }

    /**
     * Returns every task of this loop that is not done yet, in creation order.
     *
     * @return a snapshot
     */
    public List<Task<?>> allTasks() {
        List<Task<?>> out = new ArrayList<>();
        for (Fiber f = liveHead; f != null; f = f.nextLive) {
            out.add(f.task);
        }
        return out;
    }

    /**
     * Returns how many timers are scheduled and not cancelled (sleeps, timeouts, callLater), for
     * leak checks in tests.
     *
     * @return the number of pending timers
     */
    public int pendingTimers() {
        return timers.size();
    }

    private void addLive(Fiber f) {
        f.live = true;
        f.prevLive = liveTail;
        if (liveTail == null) {
            liveHead = f;
        } else {
            liveTail.nextLive = f;
        }
        liveTail = f;
    }

    private void removeLive(Fiber f) {
        if (!f.live) {
            return;
        }
        f.live = false;
        if (f.prevLive == null) {
            liveHead = f.nextLive;
        } else {
            f.prevLive.nextLive = f.nextLive;
        }
        if (f.nextLive == null) {
            liveTail = f.prevLive;
        } else {
            f.nextLive.prevLive = f.prevLive;
        }
        f.prevLive = null;
        f.nextLive = null;
    }

    // ---------------------------------------------------------------- scheduling API

    @Override
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callSoon");
        HandleImpl h = new HandleImpl(callback);
        schedule(h);
        return h;
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        HandleImpl h = new HandleImpl(callback);
        inbox.add(h);
        wakeup();
        return h;
    }

    /**
     * Like {@link #callSoonThreadsafe} but does nothing once the loop is closed, for completions that
     * may arrive after the loop is gone (executor results, foreign futures).
     *
     * @param callback what to run on the loop
     */
    public void callSoonThreadsafeIfOpen(Runnable callback) {
        if (closed) {
            return;
        }
        inbox.add(new HandleImpl(callback));
        wakeup();
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        // when = now + delay, negative delays included (asyncio: call_later(-2) runs before
        // call_later(-1)); saturates instead of overflowing.
        return callAt(Deadlines.after(time(), delay), callback);
    }

    @Override
    public TimerHandle callAt(long when, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callAt");
        return timers.add(when, callback);
    }

    @Override
    public long time() {
        return virtualTime ? virtualNow : System.nanoTime();
    }

    @Override
    public <T> Future<T> createFuture() {
        return new LoopFuture<>(this);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        Objects.requireNonNull(coro, "coro");
        checkClosed();
        checkThread("createTask");
        Access.Tasks access = Access.tasks();
        Task<T> task = access.create(this, coro, name);
        Fiber fiber = access.fiber(task);
        addLive(fiber);
        Fiber self = holder;
        if (eagerTasks && running && self != null && !closing) {
            startEagerly(self, fiber);
        } else {
            schedule(fiber);
        }
        return task;
    }

    /**
     * Schedules a task's fiber to resume in this iteration's successor.
     *
     * @param fiber the fiber to resume
     */
    public void enqueue(Fiber fiber) {
        schedule(fiber);
    }

    /*
     * Appends to the ready queue from the loop's side. Thread-safe submissions made before are moved
     * in first, so that callbacks run in the order they were scheduled whichever method scheduled
     * them, as with asyncio's single ready deque (call_soon_threadsafe(a); call_soon(b) runs a, b).
     */
    private void schedule(Object item) {
        if (!inbox.isEmpty()) {
            drainInbox();
        }
        ready.add(item);
    }

    /**
     * Schedules one done callback of {@code future}: a task waiting on it, or a user callback.
     *
     * @param callback a {@link Fiber} or a {@link Consumer} of the future
     * @param future   the future that is done
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void scheduleDoneCallback(Object callback, Future<?> future) {
        if (!closing) {
            checkClosed();
            checkThread("completing a future");
        }
        if (callback instanceof Fiber fiber) {
            schedule(fiber);
        } else {
            Consumer consumer = (Consumer) callback;
            schedule(new HandleImpl(new DoneCallback(consumer, future)));
        }
    }

    private record DoneCallback(Consumer<Object> callback, Object future) implements Runnable {
        @Override
        public void run() {
            callback.accept(future);
        }

        @Override
        public String toString() {
            return "done callback " + callback + " of " + future;
        }
    }

    // ---------------------------------------------------------------- baton and scheduler

    /**
     * Parks the calling task until its fiber is resumed, running the scheduler meanwhile.
     *
     * @param self the calling task's fiber
     */
    public void suspend(Fiber self) {
        Fiber back = self.eagerReturn;
        if (back != null) {
            self.eagerReturn = null;
            handTo(self, back);
        } else {
            runUntilResumed(self);
        }
        currentTask = self.task;
        markStep(self.task);
        restoreInterrupt(self);
    }

    /*
     * Interrupts. A parked thread that is interrupted returns from park() at once, so every park of
     * the engine clears the interrupt status (no busy spin), remembers it on the fiber, and restores
     * it when control returns to user code: a task's interrupt status survives its awaits. An
     * interrupt of the thread driving the loop is a request to stop, like Ctrl-C for asyncio.run():
     * the loop's interrupt handler runs on the loop (Runner cancels its main task; a bare loop stops).
     */
    private void noteInterrupt(Fiber self) {
        if (!Thread.interrupted()) {
            return;
        }
        if (self == null) {
            return;
        }
        self.interrupted = true;
        if (self == driver) {
            inbox.add(new HandleImpl(this::onDriverInterrupted));
            wakeup();
        }
    }

    private void restoreInterrupt(Fiber self) {
        if (self != null && self.interrupted) {
            self.interrupted = false;
            Thread.currentThread().interrupt();
        }
    }

    private void onDriverInterrupted() {
        Runnable handler = interruptHandler;
        if (handler != null) {
            handler.run();
        } else {
            stop();
        }
    }

    /**
     * Sets what happens on the loop when the thread driving it is interrupted; by default the loop
     * stops. {@code Runner} cancels its main task instead, as asyncio's runner does on Ctrl-C.
     *
     * @param handler runs on the loop, or {@code null} for the default
     */
    public void setInterruptHandler(Runnable handler) {
        interruptHandler = handler;
    }

    /**
     * Throws if the loop is closing, so that tasks released by {@link #close()} unwind.
     *
     * @throws CancelledError if the loop is being closed
     */
    public void checkNotClosing() {
        if (closing) {
            throw new CancelledError("the event loop was closed while this task was pending");
        }
    }

    void fiberStarted(Fiber self) {
        RUNNING.set(this);
        currentTask = self.task;
        markStep(self.task);
    }

    /*
     * Passes the baton on after self's task finished. Returns a never-started fiber that the calling
     * thread should run next (thread reuse), or null when the thread is done.
     */
    Fiber fiberFinished(Fiber self) {
        currentTask = null;
        Fiber back = self.eagerReturn;
        if (closing) {
            handTo(null, driver);
            return null;
        }
        if (back != null) {
            self.eagerReturn = null;
            handTo(null, back);
            return null;
        }
        Fiber next = nextFiber(null);
        if (next.thread == null) {
            // Adopt the never-started fiber: run it on this thread rather than start another.
            Thread.interrupted();
            Thread me = Thread.currentThread();
            next.thread = me;
            holder = next;
            if (debug) {
                me.setName(next.task.getName());
            }
            return next;
        }
        handTo(null, next);
        return null;
    }

    /**
     * Called by a task once it is done: the loop drops its strong reference.
     *
     * @param task the finished task
     */
    public void taskDone(Task<?> task) {
        removeLive(Access.tasks().fiber(task));
    }

    private void startEagerly(Fiber self, Fiber fiber) {
        Task<?> previous = currentTask;
        fiber.eagerReturn = self;
        handTo(self, fiber);
        currentTask = previous;
        markStep(previous);
        restoreInterrupt(self);
    }

    /*
     * Runs loop iterations on the calling thread, which holds the baton, until `self` is resumed:
     * returns holding the baton again.
     *
     * The hand-off happens here, after nextFiber has returned, so that a parked task's frozen stack
     * holds this small frame and handTo's, not the scheduler's: nextFiber, compiled with what it
     * inlines, has a large frame, and every suspended task would carry a copy of it in its stack
     * chunk (measured: 1.7 KB per sleeping task before, see docs/performance.md), and copy it on
     * every freeze and thaw.
     */
    private void runUntilResumed(Fiber self) {
        Fiber next = nextFiber(self);
        if (next != self) {
            handTo(self, next);
        }
    }

    /*
     * Runs ready callbacks on the calling thread, which holds the baton, until a fiber is due, and
     * returns it: `self` when its own resumption comes up (or, for the driver, when the loop stops),
     * the driver when the loop stops, a never-started fiber (thread == null), or a parked one. The
     * caller hands the baton to it, or adopts a never-started one (self == null: a finished task's
     * thread).
     */
    private Fiber nextFiber(Fiber self) {
        currentTask = null;
        for (;;) {
            if (ntodo == 0) {
                if (stopping && iterated) {
                    stopping = false;
                    iterated = false;
                    return driver;
                }
                prepareIteration();
                iterated = true;
                continue;
            }
            Object item = ready.pollFirst();
            ntodo--;
            if (item instanceof Fiber f) {
                if (f.thread == null && f.body.cancelledBeforeStart()) {
                    continue;
                }
                return f;
            }
            runHandle((HandleImpl) item);
        }
    }

    private void handTo(Fiber from, Fiber to) {
        holder = to;
        Thread t = to.thread;
        if (t == null) {
            t = to.newThread(threads, debug);
            to.thread = t;
            t.start();
        } else {
            LockSupport.unpark(t);
        }
        if (from != null) {
            while (holder != from) {
                LockSupport.park(this);
                noteInterrupt(from);
            }
        }
    }

    private void prepareIteration() {
        if (!slowReports.isEmpty()) {
            deliverSlowReports();
        }
        drainInbox();
        if (ready.isEmpty() && !stopping) {
            TimerHandleImpl next = timers.peek();
            if (next == null) {
                idle(-1);
            } else {
                long now = time();
                if (next.when > now) {
                    long wait = next.when - now;
                    idle(wait > 0 ? wait : Long.MAX_VALUE);
                } else {
                    pollIo();
                }
            }
            drainInbox();
        } else {
            pollIo();
        }
        if (!timers.isEmpty()) {
            long now = time();
            TimerHandleImpl t;
            while ((t = timers.peek()) != null && t.when <= now) {
                timers.poll();
                ready.add(t);
            }
        }
        if (!unretrieved.isEmpty()) {
            unretrieved.pollCollected(this);
        }
        ntodo = ready.size();
    }

    private void drainInbox() {
        HandleImpl h;
        while ((h = inbox.poll()) != null) {
            ready.add(h);
        }
    }

    /*
     * Waits until the next timer is due (nanos >= 0) or until woken (nanos < 0). On virtual time the
     * wait for a timer is a jump of the clock, unless executor jobs are running: their results are
     * real events that must not be overtaken by virtual time, so the loop then waits for them for real.
     * While a subprocess runs, the wait is real too, bounded by the timer, and the clock advances by
     * the real time waited: a timeout around a child that never ends still fires.
     */
    private void idle(long nanos) {
        IoPoller io = poller;
        boolean watching = io != null && io.watching();
        boolean realWait = false;
        long realStart = 0;
        if (virtualTime && nanos >= 0) {
            if (executorJobsPending == 0 && inbox.isEmpty()) {
                // I/O already in flight (loopback data, a finished connect) is delivered first.
                if (watching && selectIo(io, 0) > 0) {
                    return;
                }
                if (subprocesses.isEmpty()) {
                    virtualNow += nanos;
                    return;
                }
                // A child's output and exit come in real time: while one runs, the clock runs at real speed.
                realWait = true;
                realStart = System.nanoTime();
            } else {
                nanos = -1;
            }
        }
        sleeper = Thread.currentThread();
        try {
            if (!inbox.isEmpty()) {
                if (watching) {
                    selectIo(io, 0);
                }
                return;
            }
            if (watching) {
                selectIo(io, nanos);
            } else if (nanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, nanos);
            }
            noteInterrupt(holder);
        } finally {
            sleeper = null;
            if (realWait) {
                virtualNow += Math.min(nanos, System.nanoTime() - realStart);
            }
        }
    }

    /* A non-blocking poll for I/O, made every iteration that has other work, as asyncio's select(0). */
    private void pollIo() {
        IoPoller io = poller;
        if (io != null && io.watching()) {
            selectIo(io, 0);
        }
    }

    private int selectIo(IoPoller io, long nanos) {
        int before = ready.size();
        try {
            io.select(nanos);
        } catch (IOException e) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Selector failed");
            context.put("exception", e);
            callExceptionHandler(context);
        }
        return ready.size() - before;
    }

    /**
     * The loop's selector, created on first use by a transport or server.
     *
     * @return the poller; only the baton holder may use it
     */
    IoPoller poller() {
        checkClosed();
        IoPoller io = poller;
        if (io == null) {
            io = new IoPoller();
            poller = io;
        }
        return io;
    }

    /**
     * The loop's buffer for socket reads, shared by its transports: a read hands it to a protocol,
     * which must copy what it keeps before returning.
     *
     * @return a direct buffer of 256 KiB
     */
    java.nio.ByteBuffer readBuffer() {
        java.nio.ByteBuffer b = readBuffer;
        if (b == null) {
            b = java.nio.ByteBuffer.allocateDirect(256 * 1024);
            readBuffer = b;
        }
        return b;
    }

    void enqueueIo(HandleImpl dispatch) {
        ready.add(dispatch);
    }

    private void wakeup() {
        Thread t = sleeper;
        if (t != null) {
            IoPoller io = poller;
            if (io != null) {
                io.wakeup();
            }
            LockSupport.unpark(t);
        }
    }

    private void runHandle(HandleImpl h) {
        if (h.cancelled) {
            return;
        }
        markStep(h);
        try {
            h.callback.run();
        } catch (Throwable e) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Exception in callback " + h.callback);
            context.put("exception", e);
            context.put("handle", h);
            callExceptionHandler(context);
        }
    }

    private void markStep(Object owner) {
        stepOwner = owner;
        STEP.setOpaque(this, (long) STEP.getOpaque(this) + 1);
    }

    long stepCount() {
        return (long) STEP.getOpaque(this);
    }

    boolean isIdle() {
        return sleeper != null;
    }

    /*
     * Slow-step reports wait in their own queue and are delivered at the start of the next iteration
     * or, at the latest, when runForever returns, so that a slow step followed by stop() (asyncio's
     * test_log_slow_callbacks) and close() is still reported; through the inbox they were dropped by
     * close().
     */
    private void deliverSlowReports() {
        Runnable r;
        while ((r = slowReports.poll()) != null) {
            r.run();
        }
    }

    void reportSlowStep(long heldNanos) {
        Object owner = stepOwner;
        Fiber h = holder;
        Thread t = h != null ? h.thread : null;
        StackTraceElement[] stack = t != null ? t.getStackTrace() : new StackTraceElement[0];
        slowReports.add(() -> {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Executing " + owner + " held the event loop for at least "
                    + TimeUnit.NANOSECONDS.toMillis(heldNanos) + " ms without awaiting"
                    + " (a blocking call? move it to Asyncio.toThread(...))");
            context.put(owner instanceof Task ? "task" : "handle", owner);
            context.put("stack", List.of(stack));
            callExceptionHandler(context);
        });
    }

    /**
     * Throws unless the calling thread may touch this loop's state: the loop is not running, or the
     * caller holds its baton. Call it before changing any state, so that a refused call changes nothing.
     *
     * @param what the operation, for the error message
     * @throws IllegalStateException if another thread is running this loop
     */
    public void checkThread(String what) {
        Fiber h = holder;
        if (h != null && h.thread != Thread.currentThread()) {
            throw new IllegalStateException(what + " was called from thread " + Thread.currentThread()
                    + ", which is not running this event loop; use loop.callSoonThreadsafe(...) from other threads");
        }
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateException("Event loop is closed");
        }
    }

    // ---------------------------------------------------------------- run / stop / close

    @Override
    public void runForever() {
        checkClosed();
        if (running) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running in this thread");
        }
        Fiber d = new Fiber(this, Thread.currentThread());
        driver = d;
        holder = d;
        iterated = false;
        running = true;
        RUNNING.set(this);
        Watchdog watchdog = debug && slowStepNanos > 0 ? new Watchdog(this, slowStepNanos) : null;
        try {
            runUntilResumed(d);
        } finally {
            if (watchdog != null) {
                watchdog.stop();
                deliverSlowReports();
            }
            running = false;
            stopping = false;
            currentTask = null;
            holder = null;
            driver = null;
            RUNNING.remove();
            restoreInterrupt(d);
        }
    }

    @Override
    public <T> T runUntilComplete(Future<T> future) {
        checkClosed();
        if (future.getLoop() != this) {
            throw new IllegalStateException("The future belongs to a different event loop: " + future);
        }
        if (running) {
            throw new IllegalStateException("This event loop is already running");
        }
        Consumer<Future<T>> stopper = f -> stop();
        future.addDoneCallback(stopper);
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.isDone()) {
            throw new IllegalStateException("Event loop stopped before Future completed.");
        }
        return future.result();
    }

    @Override
    public <T> T runUntilComplete(Coroutine<T> coro) {
        checkClosed();
        // Refuse before creating the task: a refused call must not leave a task that runs later.
        if (running) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running in this thread");
        }
        return runUntilComplete(createTask(coro));
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (running) {
            throw new IllegalStateException("Cannot close a running event loop");
        }
        if (closed) {
            return;
        }
        releasePendingTasks();
        closeSubprocesses();
        closed = true;
        LoopRegistry.remove(this);
        ready.clear();
        timers.clear();
        inbox.clear();
        IoPoller io = poller;
        if (io != null) {
            poller = null;
            io.close();
        }
        unretrieved.reportAll(this);
        ExecutorService executor = defaultExecutor;
        defaultExecutor = null;
        if (executor != null) {
            executor.shutdown();
        }
    }

    /*
     * Tasks still pending at close are reported (asyncio's "Task was destroyed but it is pending!"),
     * then each suspended one gets the baton back with the loop in closing mode: its await throws
     * CancelledError, its finally blocks run, any further await throws at once, and its thread ends.
     */
    private void releasePendingTasks() {
        List<Task<?>> pending = allTasks();
        if (pending.isEmpty()) {
            return;
        }
        Access.Tasks access = Access.tasks();
        for (Task<?> task : pending) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Task was destroyed but it is pending!");
            context.put("task", task);
            Throwable createdAt = access.createdAt(task);
            if (createdAt != null) {
                context.put("source_traceback", createdAt);
            }
            callExceptionHandler(context);
        }
        closing = true;
        Fiber d = new Fiber(this, Thread.currentThread());
        driver = d;
        holder = d;
        RUNNING.set(this);
        try {
            for (Task<?> task : pending) {
                Fiber f = access.fiber(task);
                Thread t = f.thread;
                task.cancel("the event loop was closed while this task was pending");
                if (t == null) {
                    f.body.cancelledBeforeStart();
                    continue;
                }
                handTo(d, f);
                joinQuietly(t);
            }
        } finally {
            RUNNING.remove();
            holder = null;
            driver = null;
            closing = false;
            restoreInterrupt(d);
            while (liveHead != null) {
                removeLive(liveHead);
            }
        }
    }

    /** Waits for {@code t} to end, keeping (not throwing) an interrupt that arrives meanwhile. */
    static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- executors

    @Override
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        checkClosed();
        checkThread("runInExecutor");
        Executor target = executor != null ? executor : defaultExecutor();
        Future<T> future = createFuture();
        // Claimed by the job when it starts, or by the future's cancellation if that comes first: a job
        // of an ExecutorService cancelled before it started never runs, and the loop (on virtual time)
        // stops waiting for it. A job handed to a plain Executor cannot be withdrawn: it always runs.
        AtomicBoolean claimed = new AtomicBoolean();
        Runnable job = () -> {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            T value = null;
            Throwable error = null;
            try {
                value = fn.call();
            } catch (Throwable e) {
                error = e;
            }
            T v = value;
            Throwable err = error;
            callSoonThreadsafeIfOpen(() -> {
                executorJobsPending--;
                if (future.isDone()) {
                    return;
                }
                if (err != null) {
                    future.setException(err);
                } else {
                    future.setResult(v);
                }
            });
        };
        executorJobsPending++;
        java.util.concurrent.Future<?> submitted = null;
        try {
            if (target instanceof ExecutorService service) {
                submitted = service.submit(job);
            } else {
                target.execute(job);
            }
        } catch (RuntimeException e) {
            executorJobsPending--;
            throw e;
        }
        java.util.concurrent.Future<?> queued = submitted;
        future.addDoneCallback(f -> {
            if (f.isCancelled() && queued != null && claimed.compareAndSet(false, true)) {
                executorJobsPending--;
                queued.cancel(false);
            }
        });
        return future;
    }

    @Override
    public void setDefaultExecutor(ExecutorService executor) {
        defaultExecutor = Objects.requireNonNull(executor, "executor");
        executorThreads = null;
    }

    private ExecutorService defaultExecutor() {
        if (defaultExecutor == null) {
            int workers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = Thread.ofPlatform().daemon()
                                .name("asyncio4j-executor-" + EXECUTOR_THREADS.incrementAndGet()).unstarted(r);
                        poolThreads.removeIf(old -> old.getState() == Thread.State.TERMINATED);
                        poolThreads.add(t);
                        return t;
                    });
            executorThreads = poolThreads;
            pool.allowCoreThreadTimeOut(true);
            defaultExecutor = pool;
        }
        return defaultExecutor;
    }

    /**
     * Shuts the default executor down and waits for its threads to finish, as asyncio's
     * {@code shutdown_default_executor}.
     *
     * @param timeout how long to wait
     * @return {@code true} if every executor thread finished in time
     */
    public boolean shutdownDefaultExecutor(Duration timeout) {
        ExecutorService executor = defaultExecutor;
        defaultExecutor = null;
        if (executor == null) {
            return true;
        }
        executor.shutdown();
        long deadline = Deadlines.after(System.nanoTime(), timeout);
        try {
            if (!executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            // A terminated pool's last worker may still be ending: join the threads, as Python's
            // executor.shutdown(wait=True) does, so that none of them outlives this call.
            Set<Thread> threads = executorThreads;
            executorThreads = null;
            if (threads != null) {
                for (Thread t : threads) {
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        t.join(Duration.ofNanos(left));
                    }
                    if (t.isAlive()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- errors and settings

    @Override
    public void setExceptionHandler(BiConsumer<EventLoop, Map<String, Object>> handler) {
        exceptionHandler = handler;
    }

    @Override
    public BiConsumer<EventLoop, Map<String, Object>> getExceptionHandler() {
        return exceptionHandler;
    }

    @Override
    public void callExceptionHandler(Map<String, Object> context) {
        BiConsumer<EventLoop, Map<String, Object>> handler = exceptionHandler;
        if (handler == null) {
            defaultExceptionHandler(context);
            return;
        }
        try {
            handler.accept(this, context);
        } catch (Throwable e) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("message", "Unhandled error in exception handler");
            failure.put("exception", e);
            failure.put("context", context);
            defaultExceptionHandler(failure);
        }
    }

    @Override
    public void defaultExceptionHandler(Map<String, Object> context) {
        StringBuilder text = new StringBuilder(String.valueOf(context.getOrDefault("message", "Unhandled exception in event loop")));
        for (Map.Entry<String, Object> e : context.entrySet()) {
            if (e.getKey().equals("message") || e.getKey().equals("exception")) {
                continue;
            }
            Object value = e.getValue();
            if (value instanceof List<?> frames && !frames.isEmpty() && frames.get(0) instanceof StackTraceElement) {
                text.append('\n').append(e.getKey()).append(':');
                for (Object frame : frames) {
                    text.append("\n\tat ").append(frame);
                }
            } else {
                text.append('\n').append(e.getKey()).append(": ").append(value);
            }
        }
        Object exception = context.get("exception");
        if (exception instanceof Throwable t) {
            LOG.log(System.Logger.Level.ERROR, text.toString(), t);
        } else {
            LOG.log(System.Logger.Level.WARNING, text.toString());
        }
    }

    @Override
    public void setDebug(boolean enabled) {
        debug = enabled;
    }

    @Override
    public boolean getDebug() {
        return debug;
    }

    @Override
    public void setSlowCallbackDuration(Duration threshold) {
        slowStepNanos = threshold.isNegative() ? 0 : Deadlines.nanos(threshold);
    }

    @Override
    public Duration getSlowCallbackDuration() {
        return Duration.ofNanos(slowStepNanos);
    }

    @Override
    public void setEagerTasks(boolean eager) {
        eagerTasks = eager;
    }

    /**
     * Registers a failed future whose exception nobody has retrieved yet.
     *
     * @param future the failed future
     * @param error  its exception
     * @return a token for {@link #untrackUnretrieved}
     */
    public Object trackUnretrieved(Future<?> future, Throwable error) {
        return unretrieved.track(future, error);
    }

    /**
     * Unregisters a future whose exception has now been retrieved.
     *
     * @param token from {@link #trackUnretrieved}
     */
    public void untrackUnretrieved(Object token) {
        unretrieved.untrack(token);
    }

    @Override
    public String toString() {
        return "<DefaultEventLoop running=" + running + " closed=" + closed + " debug=" + debug + ">";
    }

    /** A plain future of this loop (Future's constructor is protected). */
    private static final class LoopFuture<T> extends Future<T> {
        LoopFuture(EventLoop loop) {
            super(loop);
        }
    }

    // ---------------------------------------------------------------- channel watching

    @Override
    public void addReader(SelectableChannel channel, Runnable callback) {
        watcher(channel, "addReader").set(true, Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        ChannelWatcher w = existingWatcher(channel);
        return w != null && w.set(true, null);
    }

    @Override
    public void addWriter(SelectableChannel channel, Runnable callback) {
        watcher(channel, "addWriter").set(false, Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        ChannelWatcher w = existingWatcher(channel);
        return w != null && w.set(false, null);
    }

    private ChannelWatcher watcher(SelectableChannel channel, String what) {
        checkClosed();
        checkThread(what);
        IoPoller io = poller();
        Object owner = io.ownerOf(channel);
        if (owner instanceof ChannelWatcher w) {
            return w;
        }
        if (owner != null) {
            throw new IllegalStateException(what + ": the channel is used by " + owner
                    + "; a channel owned by a transport or server cannot be watched as well");
        }
        ChannelWatcher w = new ChannelWatcher(this, channel);
        w.start();
        return w;
    }

    private ChannelWatcher existingWatcher(SelectableChannel channel) {
        checkThread("remove a reader or writer");
        IoPoller io = poller;
        return io != null && io.ownerOf(channel) instanceof ChannelWatcher w ? w : null;
    }

    // ---------------------------------------------------------------- network

    @Override
    public Transport createConnection(Supplier<? extends Protocol> factory, String host, int port, NetOptions options)
            throws IOException {
        DefaultEventLoop loop = running("createConnection()");
        if (options.ssl() == null) {
            return Net.connect(loop, factory, host, port, options);
        }
        String name = options.serverHostname() != null ? options.serverHostname() : host;
        return connectTls(loop, factory, options, name, port, f -> Net.connect(loop, f, host, port, options));
    }

    @Override
    public Transport createUnixConnection(Supplier<? extends Protocol> factory, Path path, NetOptions options)
            throws IOException {
        DefaultEventLoop loop = running("createUnixConnection()");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        if (options.ssl() == null) {
            return Net.connect(loop, factory, address, options);
        }
        if (options.serverHostname() == null) {
            throw new IllegalArgumentException("TLS over a Unix socket needs NetOptions.withServerHostname(...):"
                    + " there is no host name to verify the certificate against");
        }
        return connectTls(loop, factory, options, options.serverHostname(), 0,
                f -> Net.connect(loop, f, address, options));
    }

    @FunctionalInterface
    private interface RawConnector {
        Transport connect(Supplier<? extends Protocol> factory) throws IOException;
    }

    private static Transport connectTls(DefaultEventLoop loop, Supplier<? extends Protocol> factory, NetOptions options,
                                        String serverHostname, int port, RawConnector connector) throws IOException {
        Future<Transport> waiter = loop.createFuture();
        Transport raw = connector.connect(() -> new SslProtocol(loop,
                SslProtocol.clientEngine(options.ssl(), serverHostname, port), factory.get(),
                options.sslHandshakeTimeout(), options.sslShutdownTimeout(), waiter, true));
        return awaitHandshake(raw, waiter);
    }

    /* Waits for the TLS handshake; a failure or cancellation aborts the raw connection. */
    private static Transport awaitHandshake(Transport raw, Future<Transport> waiter) {
        boolean ok = false;
        try {
            Transport tls = Asyncio.await(waiter);
            ok = true;
            return tls;
        } finally {
            if (!ok) {
                raw.abort();
            }
        }
    }

    @Override
    public Server createServer(Supplier<? extends Protocol> factory, String host, int port, NetOptions options)
            throws IOException {
        DefaultEventLoop loop = running("createServer()");
        return Net.serve(loop, serverProtocols(loop, factory, options), host, port, options);
    }

    @Override
    public Server createUnixServer(Supplier<? extends Protocol> factory, Path path, NetOptions options)
            throws IOException {
        DefaultEventLoop loop = running("createUnixServer()");
        return Net.serveUnix(loop, serverProtocols(loop, factory, options), path, options);
    }

    private static Function<SocketChannel, Protocol> serverProtocols(DefaultEventLoop loop,
                                                                     Supplier<? extends Protocol> factory,
                                                                     NetOptions options) {
        SSLContext ssl = options.ssl();
        if (ssl == null) {
            return ch -> factory.get();
        }
        return ch -> new SslProtocol(loop, SslProtocol.serverEngine(ssl), factory.get(), options.sslHandshakeTimeout(),
                options.sslShutdownTimeout(), null, true);
    }

    @Override
    public Transport startTls(Transport transport, Protocol protocol, SSLContext context, boolean serverSide,
                              String serverHostname, Duration handshakeTimeout) throws IOException {
        DefaultEventLoop loop = running("startTls()");
        Objects.requireNonNull(context, "context");
        SSLEngine engine;
        if (serverSide) {
            engine = SslProtocol.serverEngine(context);
        } else {
            String name = serverHostname;
            int port = 0;
            if (transport.getExtraInfo("peername") instanceof InetSocketAddress peer) {
                port = peer.getPort();
                if (name == null) {
                    name = peer.getHostString();
                }
            }
            if (name == null) {
                throw new IllegalArgumentException("startTls() on a client needs a serverHostname to verify the"
                        + " certificate against: the transport's peer has no host name");
            }
            engine = SslProtocol.clientEngine(context, name, port);
        }
        Duration timeout = handshakeTimeout != null ? handshakeTimeout : NetOptions.defaults().sslHandshakeTimeout();
        Future<Transport> waiter = loop.createFuture();
        SslProtocol tls = new SslProtocol(loop, engine, protocol, timeout, NetOptions.defaults().sslShutdownTimeout(),
                waiter, false);
        transport.pauseReading();
        transport.setProtocol(tls);
        tls.connectionMade(transport);
        transport.resumeReading();
        return awaitHandshake(transport, waiter);
    }

    // ---------------------------------------------------------------- subprocesses

    /* Children whose transport has not finished: killed if the loop closes first. */
    private final Set<ProcessTransport> subprocesses = new java.util.LinkedHashSet<>();

    @Override
    public SubprocessTransport subprocessExec(Supplier<? extends SubprocessProtocol> factory, List<String> command,
                                              SubprocessOptions options) throws IOException {
        return ProcessTransport.spawn(running("subprocessExec()"), factory, command, options);
    }

    @Override
    public SubprocessTransport subprocessShell(Supplier<? extends SubprocessProtocol> factory, String cmd,
                                               SubprocessOptions options) throws IOException {
        return ProcessTransport.spawn(running("subprocessShell()"), factory, ProcessTransport.shell(cmd), options);
    }

    void subprocessStarted(ProcessTransport transport) {
        subprocesses.add(transport);
    }

    void subprocessFinished(ProcessTransport transport) {
        subprocesses.remove(transport);
    }

    /* A closed loop leaks no process: children still running are killed and their pipes' threads told to stop. */
    private void closeSubprocesses() {
        for (ProcessTransport t : List.copyOf(subprocesses)) {
            t.close();
        }
        subprocesses.clear();
    }
}
