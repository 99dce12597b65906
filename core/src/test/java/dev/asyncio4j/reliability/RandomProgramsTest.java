package dev.asyncio4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Property: every random program of tasks, combinators, scopes, synchronisation primitives and
 * cancellations keeps the runtime's invariants ({@link Interpreter} lists them), and on virtual time
 * the same program gives the same trace twice. A failure is shrunk to a minimal program, printed as
 * pseudo-code. Runs {@code jqwik.tries.default} programs (1,000 in the build; scripts/reliability
 * runs 100,000).
 */
class RandomProgramsTest {
    /** A run that takes longer than this in real time is reported as hung (it normally takes milliseconds). */
    private static final Duration HANG = Duration.ofSeconds(60);

    @Provide
    Arbitrary<Program> programs() {
        return Programs.programs();
    }

    @Property
    void invariantsHoldAndVirtualTimeIsDeterministic(@ForAll("programs") Program program) {
        Interpreter.Outcome first = runGuarded(program, true);
        Statistics.label("statements").collect(bucket(program.size()));
        Statistics.label("tasks").collect(bucket(first.tasks()));
        assertThat(first.violations()).as("program:%s%s", program.toString().indent(2), first.describe()).isEmpty();
        if (!program.usesThreads()) {
            Interpreter.Outcome second = runGuarded(program, true);
            assertThat(second.trace()).as("the same program gave another trace on virtual time:%s", program.toString().indent(2)).isEqualTo(first.trace());
        }
    }

    @Property(tries = 100)
    void invariantsHoldOnTheRealClock(@ForAll("programs") Program program) {
        Interpreter.Outcome outcome = runGuarded(program, false);
        assertThat(outcome.violations()).as("program:%s%s", program.toString().indent(2), outcome.describe()).isEmpty();
    }

    private static String bucket(int n) {
        return n == 0 ? "0" : n < 10 ? "1-9" : n < 30 ? "10-29" : n < 100 ? "30-99" : "100+";
    }

    /** Runs the program on its own thread, so that a hang fails the property instead of the build. */
    static Interpreter.Outcome runGuarded(Program program, boolean virtualTime) {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().daemon().name("program-runner").start(() -> {
            try {
                result.set(Interpreter.run(program, virtualTime));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        try {
            runner.join(HANG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (runner.isAlive()) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement e : runner.getStackTrace()) {
                stack.append("\n\tat ").append(e);
            }
            throw new AssertionError("the program hung for " + HANG + " of real time; its thread is left behind:" + stack);
        }
        if (result.get() instanceof Throwable e) {
            throw new AssertionError("the interpreter failed", e);
        }
        return (Interpreter.Outcome) result.get();
    }
}
