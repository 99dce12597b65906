package dev.asyncio4j.internal;

import java.time.Duration;

/** Duration-to-nanosecond arithmetic that saturates instead of overflowing, for timers and timeouts. */
public final class Deadlines {
    private Deadlines() {
    }

    /**
     * The duration in nanoseconds, clamped to the long range.
     *
     * @param d any duration
     * @return its nanoseconds, or Long.MIN_VALUE / Long.MAX_VALUE when it does not fit
     */
    public static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * {@code now + delay}, saturated so that a huge delay never wraps into the past (nor a huge
     * negative one into the future).
     *
     * @param now   a clock reading in nanoseconds
     * @param delay how long after it
     * @return the deadline
     */
    public static long after(long now, Duration delay) {
        long nanos;
        try {
            nanos = delay.toNanos();
        } catch (ArithmeticException e) {
            return delay.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long when = now + nanos;
        if (((now ^ when) & (nanos ^ when)) < 0) {
            return nanos > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return when;
    }
}
