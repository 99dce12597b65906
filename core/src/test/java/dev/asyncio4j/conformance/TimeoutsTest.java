/*
 * Conformance tests for Asyncio.timeout / timeoutAt scopes.
 *
 * Ported from CPython's Lib/test/test_asyncio/test_timeouts.py (3.12/3.13): the behaviours each CPython
 * test checks are re-expressed against asyncio4j's public API; no code is copied. Method names are the
 * CPython names in camelCase; cases without a CPython counterpart say so in their comment.
 *
 * Mapping notes: `async with asyncio.timeout(d) as cm:` is `Asyncio.timeout(d, cm -> ...)`; Python's
 * exception __context__ chains become Throwable suppression (see Timeout's javadoc); time is scaled down
 * from CPython's 0.01-10 s to a few ms, and sleeps that the test expects to be cancelled keep long
 * durations so that a missing cancellation fails the timing assertions instead of passing silently.
 */
package dev.asyncio4j.conformance;

import static dev.asyncio4j.Asyncio.*;
import static org.assertj.core.api.Assertions.*;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.CancelledError;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import dev.asyncio4j.TaskGroup;
import dev.asyncio4j.TaskGroupException;
import dev.asyncio4j.Timeout;
import dev.asyncio4j.TimeoutError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TimeoutsTest {
    private static final Duration MS_10 = Duration.ofMillis(10);
    private static final Duration LONG = Duration.ofSeconds(10);

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }

    /** Runs {@code body}, which must throw {@code type}; returns the throwable. */
    private static <X extends Throwable> X thrown(Class<X> type, ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable e) {
            assertThat(e).isInstanceOf(type);
            return type.cast(e);
        }
        throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static final class KeyError extends RuntimeException {
        KeyError() {
            super("key");
        }
    }

    // ------------------------------------------------------------------ basics

    @Test
    void timeoutBasic() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        long elapsed = Asyncio.run(() -> {
            long t0 = System.nanoTime();
            thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> {
                cm.set(s);
                sleep(LONG);
                return null;
            }));
            return System.nanoTime() - t0;
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(ms(elapsed)).isBetween(5L, 2_000L);
    }

    @Test
    void timeoutAtBasic() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        long deadline = Asyncio.run(() -> {
            long d = getRunningLoop().time() + nanos(MS_10);
            thrown(TimeoutError.class, () -> timeoutAt(d, s -> {
                cm.set(s);
                sleep(LONG);
                return null;
            }));
            return d;
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isEqualTo(deadline);
    }

    @Test
    void nestedTimeouts() {
        // Two scopes with the same deadline: only the outermost reports TimeoutError, the inner one lets
        // the CancelledError through.
        AtomicReference<Timeout> cm1 = new AtomicReference<>();
        AtomicReference<Timeout> cm2 = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            long deadline = getRunningLoop().time() + nanos(MS_10);
            thrown(TimeoutError.class, () -> timeoutAt(deadline, outer -> {
                cm1.set(outer);
                try {
                    return timeoutAt(deadline, inner -> {
                        cm2.set(inner);
                        sleep(LONG);
                        return null;
                    });
                } catch (CancelledError e) {
                    log.add("inner let CancelledError through");
                    throw e;
                }
            }));
            log.add("outer raised TimeoutError");
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
        assertThat(log).containsExactly("inner let CancelledError through", "outer raised TimeoutError");
        assertThat(cm1.get().expired()).isTrue();
        assertThat(cm2.get().expired()).isTrue();
    }

    @Test
    void nestedTimeoutsInnerExpiresFirst() {
        // No CPython counterpart by this name: an inner scope whose deadline passes first reports the
        // TimeoutError itself; the outer scope, still active, sees it as an ordinary exception and the
        // body after the inner scope keeps running under the outer deadline.
        List<String> log = new ArrayList<>();
        AtomicReference<Timeout> outerCm = new AtomicReference<>();
        AtomicReference<Timeout> innerCm = new AtomicReference<>();
        String result = Asyncio.run(() -> Asyncio.timeout(Duration.ofSeconds(5), outer -> {
            outerCm.set(outer);
            try {
                Asyncio.timeout(Duration.ofMillis(5), inner -> {
                    innerCm.set(inner);
                    sleep(LONG);
                    return null;
                });
            } catch (TimeoutError e) {
                log.add("inner TimeoutError, cause " + e.getCause().getClass().getSimpleName());
            }
            log.add("cancelling=" + currentTask().cancelling());
            sleep(Duration.ofMillis(1));
            return "outer body finished";
        }));
        assertThat(result).isEqualTo("outer body finished");
        assertThat(log).containsExactly("inner TimeoutError, cause CancelledError", "cancelling=0");
        assertThat(innerCm.get().expired()).isTrue();
        assertThat(outerCm.get().expired()).isFalse();
    }

    @Test
    void nestedTimeoutsOuterExpiresFirst() {
        // No CPython counterpart by this name: the outer deadline passes while an inner scope with a
        // later deadline is active; the inner scope lets the CancelledError through unchanged and the
        // outer one turns it into TimeoutError.
        List<String> log = new ArrayList<>();
        AtomicReference<Timeout> innerCm = new AtomicReference<>();
        AtomicReference<Timeout> outerCm = new AtomicReference<>();
        Asyncio.run(() -> {
            TimeoutError e = thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(5), outer -> {
                outerCm.set(outer);
                try {
                    return Asyncio.timeout(Duration.ofSeconds(5), inner -> {
                        innerCm.set(inner);
                        sleep(LONG);
                        return null;
                    });
                } catch (TimeoutError te) {
                    log.add("inner raised TimeoutError (wrong)");
                    throw te;
                } catch (CancelledError ce) {
                    log.add("inner passed CancelledError");
                    throw ce;
                }
            }));
            assertThat(e.getCause()).isInstanceOf(CancelledError.class);
            return null;
        });
        assertThat(log).containsExactly("inner passed CancelledError");
        assertThat(outerCm.get().expired()).isTrue();
        assertThat(innerCm.get().expired()).isFalse();
    }

    @Test
    void waiterCancelled() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> {
                try {
                    sleep(LONG);
                } catch (CancelledError e) {
                    log.add("cancelled");
                    throw e;
                }
                return null;
            }));
            return null;
        });
        assertThat(log).containsExactly("cancelled");
    }

    @Test
    void timeoutNotCalled() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Asyncio.run(() -> {
            String r = Asyncio.timeout(LONG, s -> {
                cm.set(s);
                sleep(Duration.ofMillis(5));
                return "ok";
            });
            long t1 = getRunningLoop().time();
            assertThat(r).isEqualTo("ok");
            assertThat(cm.get().when()).isGreaterThan(t1);
            return null;
        });
        assertThat(cm.get().expired()).isFalse();
    }

    @Test
    void timeoutDisabled() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        String r = Asyncio.run(() -> Asyncio.timeout(null, s -> {
            cm.set(s);
            sleep(Duration.ofMillis(5));
            return "done";
        }));
        assertThat(r).isEqualTo("done");
        assertThat(cm.get().expired()).isFalse();
        assertThat(cm.get().when()).isNull();
    }

    @Test
    void timeoutAtDisabled() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        String r = Asyncio.run(() -> timeoutAt(null, s -> {
            cm.set(s);
            sleep(Duration.ofMillis(5));
            return "done";
        }));
        assertThat(r).isEqualTo("done");
        assertThat(cm.get().expired()).isFalse();
        assertThat(cm.get().when()).isNull();
    }

    @Test
    void timeoutZero() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        long[] t = Asyncio.run(() -> {
            long t0 = getRunningLoop().time();
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ZERO, s -> { cm.set(s); return sleepLong(); }));
            return new long[] {t0, getRunningLoop().time()};
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isBetween(t[0], t[1]);
        assertThat(ms(t[1] - t[0])).isLessThan(2_000L);
    }

    private static Void sleepLong() {
        sleep(LONG);
        return null;
    }

    @Test
    void timeoutZeroSleepZero() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        long[] t = Asyncio.run(() -> {
            long t0 = getRunningLoop().time();
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ZERO, s -> {
                cm.set(s);
                sleep(Duration.ZERO);
                return null;
            }));
            return new long[] {t0, getRunningLoop().time()};
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isBetween(t[0], t[1]);
    }

    @Test
    void timeoutInThePastSleepZero() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        long t0 = Asyncio.run(() -> {
            long start = getRunningLoop().time();
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofSeconds(-11), s -> {
                cm.set(s);
                sleep(Duration.ZERO);
                return null;
            }));
            return start;
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isLessThanOrEqualTo(t0 - Duration.ofSeconds(10).toNanos());
    }

    @Test
    void timeoutWithoutAwaitDoesNotFire() {
        // No CPython counterpart by this name: a deadline already in the past fires on the next loop
        // iteration, so a block that never awaits completes normally and the scope reports no expiry.
        AtomicReference<Timeout> cm = new AtomicReference<>();
        String r = Asyncio.run(() -> {
            String v = Asyncio.timeout(Duration.ZERO, s -> {
                cm.set(s);
                return "no await";
            });
            sleep(Duration.ZERO); // the cancelled timer must not cancel us later
            sleep(Duration.ZERO);
            return v;
        });
        assertThat(r).isEqualTo("no await");
        assertThat(cm.get().expired()).isFalse();
    }

    @Test
    void timeoutHugeDelay() {
        // No CPython counterpart (Python's float deadlines cannot overflow): a delay so large that the
        // deadline does not fit in loop time means "never", not "already passed".
        AtomicReference<Timeout> cm = new AtomicReference<>();
        List<Object> results = Asyncio.run(() -> {
            List<Object> out = new ArrayList<>();
            for (Duration d : List.of(Duration.ofNanos(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE),
                    java.time.temporal.ChronoUnit.FOREVER.getDuration())) {
                out.add(Asyncio.timeout(d, s -> {
                    cm.set(s);
                    sleep(Duration.ofMillis(2));
                    return "finished";
                }));
                assertThat(cm.get().expired()).isFalse();
                assertThat(cm.get().when()).isGreaterThan(getRunningLoop().time());
                out.add(waitFor(createTask(() -> {
                    sleep(Duration.ofMillis(2));
                    return "waited";
                }), d));
            }
            return out;
        });
        assertThat(results).containsExactly("finished", "waited", "finished", "waited", "finished", "waited");
    }

    // ------------------------------------------------------------------ foreign exceptions

    @Test
    void foreignExceptionPassed() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        KeyError original = new KeyError();
        Asyncio.run(() -> {
            KeyError e = thrown(KeyError.class, () -> Asyncio.timeout(MS_10, s -> {
                cm.set(s);
                throw original;
            }));
            assertThat(e).isSameAs(original);
            assertThat(e.getSuppressed()).isEmpty();
            return null;
        });
        assertThat(cm.get().expired()).isFalse();
    }

    @Test
    void timeoutExceptionContext() {
        // The block fails, and its finally is cancelled by the deadline: the scope reports TimeoutError
        // caused by that cancellation. (Python also chains the ArithmeticException as __context__; Java
        // has no implicit context, so only the cause is checked.)
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            TimeoutError e = thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> {
                try {
                    throw new ArithmeticException("/ by zero");
                } finally {
                    try {
                        sleep(LONG);
                    } finally {
                        log.add("finally interrupted");
                    }
                }
            }));
            assertThat(e.getCause()).isInstanceOf(CancelledError.class);
            return null;
        });
        assertThat(log).containsExactly("finally interrupted");
    }

    @Test
    void foreignExceptionOnTimeout() {
        // The deadline cancels crash(), whose cleanup raises: that exception propagates, not
        // TimeoutError; the timeout is recorded on it (Python: as __context__, here: suppressed), caused
        // by the CancelledError.
        Asyncio.run(() -> {
            ArithmeticException e = thrown(ArithmeticException.class, () -> Asyncio.timeout(MS_10, s -> crash()));
            assertThat(e.getCause()).isNull();
            assertThat(e.getSuppressed()).hasSize(1);
            assertThat(e.getSuppressed()[0]).isInstanceOf(TimeoutError.class);
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO); // the task is not left cancelled
            return null;
        });
    }

    private static Void crash() {
        try {
            sleep(Duration.ofSeconds(1));
        } finally {
            if (true) {
                throw new ArithmeticException("/ by zero");
            }
        }
        return null;
    }

    @Test
    void foreignExceptionOnTimeout2() {
        // Several nested cleanups, the last one raising: the last exception propagates and the task is
        // not left cancelled.
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            ArithmeticException e = thrown(ArithmeticException.class, () -> Asyncio.timeout(MS_10, s -> {
                try {
                    try {
                        throw new IllegalArgumentException("value");
                    } finally {
                        sleep(Duration.ofSeconds(1));
                    }
                } finally {
                    try {
                        log.add("cleanup");
                        throw new KeyError();
                    } finally {
                        if (true) {
                            throw new ArithmeticException("/ by zero");
                        }
                    }
                }
            }));
            assertThat(Arrays.stream(e.getSuppressed()).map(Object::getClass).toList())
                    .containsExactly(TimeoutError.class);
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
        assertThat(log).containsExactly("cleanup");
    }

    @Test
    void foreignCancelDoesntTimeoutIfNotExpired() {
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Asyncio.run(() -> {
            Task<Object> t = createTask(() -> Asyncio.timeout(LONG, s -> {
                cm.set(s);
                currentTask().cancel();
                sleep(LONG);
                return "not reached";
            }));
            thrown(CancelledError.class, () -> await(t));
            assertThat(t.isCancelled()).isTrue();
            return null;
        });
        assertThat(cm.get().expired()).isFalse();
    }

    @Test
    void outerTaskIsNotCancelled() {
        Asyncio.run(() -> {
            Task<String> task = createTask(() -> {
                thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(1), s -> sleepLong()));
                return "outer done";
            });
            assertThat(await(task)).isEqualTo("outer done");
            assertThat(task.isCancelled()).isFalse();
            assertThat(task.isDone()).isTrue();
            assertThat(task.cancelling()).isZero();
            return null;
        });
    }

    @Test
    void nestedTimeoutsConcurrent() {
        // The outer deadline passes while the loop is blocked inside the inner scope: at the next await
        // the outer scope fires; the inner scope (not expired) passes CancelledError through.
        List<String> log = new ArrayList<>();
        AtomicReference<Timeout> innerCm = new AtomicReference<>();
        Asyncio.run(() -> {
            getRunningLoop().setSlowCallbackDuration(Duration.ZERO);
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(2), outer -> {
                try {
                    return Asyncio.timeout(Duration.ofSeconds(5), inner -> {
                        innerCm.set(inner);
                        Thread.sleep(10); // crunching numbers: blocks the loop
                        sleep(LONG);
                        return null;
                    });
                } catch (CancelledError e) {
                    log.add("inner: CancelledError");
                    throw e;
                }
            }));
            return null;
        });
        assertThat(log).containsExactly("inner: CancelledError");
        assertThat(innerCm.get().expired()).isFalse();
    }

    @Test
    void nestedTimeoutsLoopBusy() {
        // Both deadlines pass while the loop is blocked; both scopes fire at the next await. The inner
        // scope sees a second pending cancel request (the outer one) and lets the CancelledError
        // through; the outer scope reports TimeoutError. Matches CPython 3.12/3.13.
        List<String> log = new ArrayList<>();
        AtomicReference<Timeout> innerCm = new AtomicReference<>();
        AtomicReference<Timeout> outerCm = new AtomicReference<>();
        long elapsed = Asyncio.run(() -> {
            getRunningLoop().setSlowCallbackDuration(Duration.ZERO);
            long t0 = System.nanoTime();
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(30), outer -> {
                outerCm.set(outer);
                try {
                    Asyncio.timeout(Duration.ofMillis(3), inner -> {
                        innerCm.set(inner);
                        Thread.sleep(40); // the loop is busy past both deadlines
                        sleep(Duration.ofSeconds(1));
                        return null;
                    });
                    log.add("inner returned");
                } catch (TimeoutError e) {
                    log.add("inner: TimeoutError");
                } catch (CancelledError e) {
                    log.add("inner: CancelledError");
                    throw e;
                }
                sleep(LONG); // must be interrupted by the outer scope
                return null;
            }));
            return System.nanoTime() - t0;
        });
        assertThat(log).containsExactly("inner: CancelledError");
        assertThat(innerCm.get().expired()).isTrue();
        assertThat(outerCm.get().expired()).isTrue();
        assertThat(ms(elapsed)).isLessThan(2_000L);
    }

    @Test
    void nestedTimeoutsLoopBusyInnerOnly() {
        // The intent of CPython's test_nested_timeouts_loop_busy: after the inner timeout has been
        // handled, an expensive wait is still stopped by the outer timeout.
        List<String> log = new ArrayList<>();
        long elapsed = Asyncio.run(() -> {
            getRunningLoop().setSlowCallbackDuration(Duration.ZERO);
            long t0 = System.nanoTime();
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(300), outer -> {
                try {
                    Asyncio.timeout(Duration.ofMillis(3), inner -> {
                        Thread.sleep(10); // past the inner deadline only
                        sleep(Duration.ofSeconds(1));
                        return null;
                    });
                } catch (TimeoutError e) {
                    log.add("inner: TimeoutError");
                }
                sleep(LONG); // interrupted by the outer scope
                log.add("not reached");
                return null;
            }));
            return System.nanoTime() - t0;
        });
        assertThat(log).containsExactly("inner: TimeoutError");
        assertThat(ms(elapsed)).isBetween(250L, 5_000L);
    }

    // ------------------------------------------------------------------ reschedule / when / expired

    @Test
    void reschedule() {
        AtomicReference<Timeout> box = new AtomicReference<>();
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Timeout> fut = loop.createFuture();
            long deadline1 = loop.time() + Duration.ofSeconds(10).toNanos();
            long deadline2 = deadline1 + Duration.ofSeconds(20).toNanos();
            Task<Object> task = createTask(() -> timeoutAt(deadline1, cm -> {
                fut.setResult(cm);
                sleep(Duration.ofSeconds(50));
                return null;
            }));
            Timeout cm = await(fut);
            box.set(cm);
            assertThat(cm.when()).isEqualTo(deadline1);
            cm.reschedule(deadline2);
            assertThat(cm.when()).isEqualTo(deadline2);
            cm.reschedule(null);
            assertThat(cm.when()).isNull();
            task.cancel();
            thrown(CancelledError.class, () -> await(task));
            return null;
        });
        assertThat(box.get().expired()).isFalse();
    }

    @Test
    void rescheduleEarlierFires() {
        // No CPython counterpart by this name: moving a far deadline close makes the scope fire at
        // the new deadline.
        AtomicReference<Timeout> cm = new AtomicReference<>();
        long elapsed = Asyncio.run(() -> {
            long t0 = System.nanoTime();
            thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofSeconds(30), s -> {
                cm.set(s);
                s.reschedule(getRunningLoop().time() + Duration.ofMillis(10).toNanos());
                sleep(LONG);
                return null;
            }));
            return System.nanoTime() - t0;
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(ms(elapsed)).isBetween(5L, 2_000L);
    }

    @Test
    void rescheduleLaterPostpones() {
        // No CPython counterpart by this name: postponing a near deadline lets the block finish.
        AtomicReference<Timeout> cm = new AtomicReference<>();
        String r = Asyncio.run(() -> Asyncio.timeout(Duration.ofMillis(5), s -> {
            cm.set(s);
            s.reschedule(getRunningLoop().time() + Duration.ofSeconds(30).toNanos());
            sleep(Duration.ofMillis(20));
            return "finished";
        }));
        assertThat(r).isEqualTo("finished");
        assertThat(cm.get().expired()).isFalse();
    }

    @Test
    void rescheduleFromNullArmsDeadline() {
        // No CPython counterpart by this name: the pattern from the Timeout javadoc, a scope entered
        // with no deadline and given one later.
        AtomicReference<Timeout> cm = new AtomicReference<>();
        Asyncio.run(() -> {
            thrown(TimeoutError.class, () -> Asyncio.timeout(null, s -> {
                cm.set(s);
                assertThat(s.when()).isNull();
                s.reschedule(getRunningLoop().time() + Duration.ofMillis(5).toNanos());
                sleep(LONG);
                return null;
            }));
            return null;
        });
        assertThat(cm.get().expired()).isTrue();
        assertThat(cm.get().when()).isNotNull();
    }

    @Test
    void reprStates() {
        // test_repr_active / _expired / _finished / _disabled: only the state names are ported (the
        // exact repr format is Python's).
        List<String> states = new ArrayList<>();
        AtomicReference<Timeout> expired = new AtomicReference<>();
        AtomicReference<Timeout> finished = new AtomicReference<>();
        Asyncio.run(() -> {
            Asyncio.timeout(LONG, s -> states.add(s.toString()));
            Asyncio.timeout(null, s -> states.add(s.toString()));
            thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> { expired.set(s); return sleepLong(); }));
            Asyncio.timeout(LONG, s -> {
                finished.set(s);
                sleep(Duration.ZERO);
                return null;
            });
            return null;
        });
        assertThat(states.get(0)).contains("[active]").contains("when=");
        assertThat(states.get(1)).contains("[active]");
        assertThat(expired.get().toString()).contains("[expired]");
        assertThat(finished.get().toString()).contains("[finished]");
    }

    @Test
    void nestedTimeoutInFinally() {
        // A scope's cleanup runs another scope that itself expires: each reports its own TimeoutError,
        // each caused by a CancelledError.
        AtomicReference<TimeoutError> innerError = new AtomicReference<>();
        Asyncio.run(() -> {
            TimeoutError outer = thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> {
                try {
                    sleep(Duration.ofSeconds(1));
                } finally {
                    innerError.set(thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s2 -> sleepLong())));
                }
                return null;
            }));
            assertThat(outer.getCause()).isInstanceOf(CancelledError.class);
            assertThat(innerError.get().getCause()).isInstanceOf(CancelledError.class);
            assertThat(innerError.get().getCause()).isNotSameAs(outer.getCause());
            assertThat(currentTask().cancelling()).isZero();
            return null;
        });
        assertThat(innerError.get()).isNotNull();
    }

    @Test
    void timeoutAfterCancellation() {
        // The task swallowed a cancellation (cancelling() stays 1); a timeout used in its cleanup still
        // reports its own expiry as TimeoutError.
        Asyncio.run(() -> {
            Task<String> t = createTask(() -> {
                try {
                    currentTask().cancel();
                    sleep(Duration.ofSeconds(1));
                } catch (CancelledError e) {
                    // swallowed
                } finally {
                    assertThat(currentTask().cancelling()).isEqualTo(1);
                    thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ZERO, s -> {
                        sleep(Duration.ofSeconds(1));
                        return null;
                    }));
                }
                return "cleanup done";
            });
            assertThat(await(t)).isEqualTo("cleanup done");
            return null;
        });
    }

    @Test
    void cancelInTimeoutAfterCancellation() {
        Asyncio.run(() -> {
            Task<String> t = createTask(() -> {
                try {
                    currentTask().cancel();
                    sleep(Duration.ofSeconds(1));
                } catch (CancelledError e) {
                    // swallowed
                } finally {
                    thrown(CancelledError.class, () -> Asyncio.timeout(Duration.ofSeconds(1), s -> {
                        currentTask().cancel();
                        sleep(Duration.ofSeconds(2));
                        return null;
                    }));
                }
                return "cleanup done";
            });
            assertThat(await(t)).isEqualTo("cleanup done");
            return null;
        });
    }

    @Test
    void timeoutExceptionCause() {
        Asyncio.run(() -> {
            TimeoutError e = thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ZERO, s -> {
                sleep(Duration.ofSeconds(1));
                return null;
            }));
            assertThat(e.getCause()).isInstanceOf(CancelledError.class);
            return null;
        });
    }

    @Test
    void timeoutFinished() {
        Asyncio.run(() -> {
            Timeout cm = Asyncio.timeout(MS_10, s -> s);
            assertThatThrownBy(() -> cm.reschedule(getRunningLoop().time() + 1_000_000L))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("finished");
            return null;
        });
    }

    @Test
    void timeoutExpired() {
        Asyncio.run(() -> {
            AtomicReference<Timeout> cm = new AtomicReference<>();
            thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> { cm.set(s); return sleepLong(); }));
            assertThatThrownBy(() -> cm.get().reschedule(getRunningLoop().time() + 1_000_000L))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expired");
            return null;
        });
    }

    @Test
    void timeoutExpiring() {
        String r = Asyncio.run(() -> Asyncio.timeout(MS_10, cm -> {
            thrown(CancelledError.class, () -> sleep(Duration.ofSeconds(1)));
            assertThat(cm.expired()).isTrue();
            assertThatThrownBy(() -> cm.reschedule(getRunningLoop().time() + 1_000_000L))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expiring");
            return "swallowed";
        }));
        // The block swallowed the cancellation: the scope returns normally.
        assertThat(r).isEqualTo("swallowed");
    }

    @Test
    void timeoutWithoutTask() {
        // Outside any loop, and in a plain callback of a running loop: no task to cancel.
        assertThatThrownBy(() -> Asyncio.timeout(MS_10, s -> null)).isInstanceOf(IllegalStateException.class);
        List<Throwable> errors = new ArrayList<>();
        Asyncio.run(() -> {
            Future<Void> done = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> {
                try {
                    Asyncio.timeout(MS_10, s -> null);
                } catch (Throwable e) {
                    errors.add(e);
                }
                done.setResult(null);
            });
            await(done);
            return null;
        });
        assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(errors.get(0)).hasMessageContaining("task");
    }

    // ------------------------------------------------------------------ timeouts and task groups

    @Test
    void timeoutTaskgroup() {
        // A deadline cancels a TaskGroup body whose child crashes in its cleanup: the group's failure
        // (only the child's ArithmeticException: the body's IllegalArgumentException was replaced by
        // the cancellation) propagates, marked with the timeout, and the task is not left cancelled.
        Asyncio.run(() -> {
            TaskGroupException eg = thrown(TaskGroupException.class, () -> Asyncio.timeout(MS_10, s ->
                    TaskGroup.run(tg -> {
                        tg.createTask(() -> {
                            try {
                                sleep(Duration.ofSeconds(2));
                            } finally {
                                if (true) {
                                    throw new ArithmeticException("crash in cleanup");
                                }
                            }
                            return null;
                        });
                        try {
                            throw new IllegalArgumentException("value");
                        } finally {
                            sleep(Duration.ofSeconds(1));
                        }
                    })));
            assertThat(eg.exceptions()).singleElement().isInstanceOf(ArithmeticException.class);
            assertThat(Arrays.stream(eg.getSuppressed()).filter(TimeoutError.class::isInstance)).hasSize(1);
            assertThat(currentTask().cancelling()).isZero();
            sleep(Duration.ZERO); // not cancelled afterwards
            return null;
        });
    }

    @Test
    void taskgroupInsideTimeout() {
        // No CPython counterpart by this name (test_taskgroups' refcycle test uses the same shape): a
        // deadline around a TaskGroup cancels the children and the body; the scope reports
        // TimeoutError caused by the body's CancelledError.
        List<String> log = new ArrayList<>();
        List<Task<?>> children = new ArrayList<>();
        long elapsed = Asyncio.run(() -> {
            long t0 = System.nanoTime();
            TimeoutError e = thrown(TimeoutError.class, () -> Asyncio.timeout(MS_10, s -> TaskGroup.run(tg -> {
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    children.add(tg.createTask(() -> {
                        try {
                            sleep(LONG);
                        } catch (CancelledError ce) {
                            log.add("child " + n + " cancelled");
                            throw ce;
                        }
                        return null;
                    }));
                }
                return "body done";
            })));
            assertThat(e.getCause()).isInstanceOf(CancelledError.class);
            assertThat(currentTask().cancelling()).isZero();
            return System.nanoTime() - t0;
        });
        assertThat(log).containsExactlyInAnyOrder("child 0 cancelled", "child 1 cancelled", "child 2 cancelled");
        assertThat(children).allMatch(Task::isCancelled);
        assertThat(ms(elapsed)).isLessThan(2_000L);
    }

    @Test
    void taskgroupInsideExpiredTimeout() {
        // test_exception_refcycles_propagate_cancellation_error's shape: timeout(-1) around a group
        // whose body yields once.
        Asyncio.run(() -> {
            TimeoutError e = thrown(TimeoutError.class, () -> Asyncio.timeout(Duration.ofSeconds(-1), s ->
                    TaskGroup.run(tg -> {
                        sleep(Duration.ZERO);
                        return null;
                    })));
            assertThat(e.getCause()).isInstanceOf(CancelledError.class);
            return null;
        });
    }
}
