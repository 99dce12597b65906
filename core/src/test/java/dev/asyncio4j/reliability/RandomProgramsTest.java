package dev.asyncio4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Property: every random program of tasks, combinators, scopes, synchronisation primitives and
 * cancellations keeps the runtime's invariants ({@link Interpreter} lists them), and on virtual time
 * the same program gives the same trace twice. A failing program is shrunk greedily (the first smaller
 * variant that still fails replaces it, until none does) and printed as pseudo-code with its seed.
 *
 * <p>The build runs {@code asyncio4j.reliability.programs} programs (1,000) from a fixed base seed, so a
 * CI run is reproducible; {@code scripts/reliability programs N} runs N from a fresh seed and prints it.
 */
class RandomProgramsTest {
    /** A run that takes longer than this in real time is reported as hung (it normally takes milliseconds). */
    private static final Duration HANG = Duration.ofSeconds(60);
    /** Most program runs one shrink may spend. */
    private static final int SHRINK_BUDGET = 2_000;

    private static final int PROGRAMS = Integer.getInteger("asyncio4j.reliability.programs", 1_000);
    private static final long SEED = Long.getLong("asyncio4j.reliability.seed", 20_261_126L);

    @Test
    void invariantsHoldAndVirtualTimeIsDeterministic() {
        checkAll(PROGRAMS, SEED, RandomProgramsTest::virtualTimeViolation);
    }

    @Test
    void invariantsHoldOnTheRealClock() {
        checkAll(Math.max(1, PROGRAMS / 10), SEED + 1, p -> describe(runGuarded(p, false)));
    }

    /* Runs programs seed..seed+count-1; fails on the first violation, shrunk. */
    private static void checkAll(int count, long seed, Function<Program, String> violation) {
        for (int i = 0; i < count; i++) {
            long programSeed = seed + i;
            Program program = Programs.random(programSeed);
            String found = violation.apply(program);
            if (found != null) {
                Program minimal = shrink(program, violation);
                throw new AssertionError("random program " + (i + 1) + " of " + count + " (seed " + programSeed
                        + ", rerun with -Dasyncio4j.reliability.seed=" + programSeed
                        + " -Dasyncio4j.reliability.programs=1) broke an invariant; shrunk to:"
                        + minimal.toString().indent(2) + Objects.requireNonNullElse(violation.apply(minimal), found));
            }
        }
    }

    private static Program shrink(Program failing, Function<Program, String> violation) {
        Program current = failing;
        int runs = 0;
        boolean progressed = true;
        while (progressed && runs < SHRINK_BUDGET) {
            progressed = false;
            for (Program candidate : Programs.smaller(current)) {
                if (++runs > SHRINK_BUDGET) {
                    break;
                }
                if (violation.apply(candidate) != null) {
                    current = candidate;
                    progressed = true;
                    break;
                }
            }
        }
        return current;
    }

    /* The violations of one run on virtual time, plus a trace that differs on a second run. */
    private static String virtualTimeViolation(Program program) {
        Interpreter.Outcome first = runGuarded(program, true);
        String violations = describe(first);
        if (violations != null || program.usesThreads()) {
            return violations;
        }
        Interpreter.Outcome second = runGuarded(program, true);
        if (!second.trace().equals(first.trace())) {
            return "the same program gave another trace on virtual time:\n  first: " + first.trace()
                    + "\n  second: " + second.trace();
        }
        return null;
    }

    private static String describe(Interpreter.Outcome outcome) {
        List<String> v = outcome.violations();
        return v.isEmpty() ? null : "violations: " + v + outcome.describe();
    }

    /** The generator covers what it claims: sizes spread, every statement kind drawn. */
    @Test
    void programsAreVariedAndShrinkToSmallerOnes() {
        java.util.Set<Class<?>> kinds = new java.util.HashSet<>();
        int maxSize = 0;
        for (long s = 0; s < 2_000; s++) {
            Program p = Programs.random(s);
            assertThat(p.main()).hasSizeBetween(2, 12);
            maxSize = Math.max(maxSize, p.size());
            collectKinds(p.main(), kinds);
            for (Program smaller : Programs.smaller(p)) {
                assertThat(smaller.size()).as("a shrink step never grows the program").isLessThanOrEqualTo(p.size());
                assertThat(smaller).as("a shrink step changes the program").isNotEqualTo(p);
            }
        }
        assertThat(kinds).hasSize(Op.class.getPermittedSubclasses().length);
        assertThat(maxSize).isGreaterThan(30);
        assertThat(Programs.random(42)).isEqualTo(Programs.random(42));
    }

    /** Shrinking keeps what makes a program fail and drops everything else. */
    @Test
    void shrinkingKeepsOnlyWhatTheFailureNeeds() {
        Function<Program, String> failsOnFailInTimeout =
                p -> failInTimeout(p.main()) ? "a Fail inside a Timeout" : null;
        Program failing = null;
        for (long s = 0; failing == null; s++) {
            Program p = Programs.random(s);
            if (p.size() > 15 && failsOnFailInTimeout.apply(p) != null) {
                failing = p;
            }
        }
        Program minimal = shrink(failing, failsOnFailInTimeout);
        assertThat(minimal.eager()).isFalse();
        assertThat(minimal.main()).hasSize(1).first().isInstanceOfSatisfying(Op.Timeout.class,
                t -> assertThat(t.body()).containsExactly(new Op.Fail()));
    }

    private static boolean failInTimeout(List<Op> ops) {
        for (Op op : ops) {
            boolean found = switch (op) {
                case Op.Timeout t -> t.body().contains(new Op.Fail()) || failInTimeout(t.body());
                case Op.Spawn s -> failInTimeout(s.body());
                case Op.Gather g -> g.children().stream().anyMatch(RandomProgramsTest::failInTimeout);
                case Op.Wait w -> w.children().stream().anyMatch(RandomProgramsTest::failInTimeout);
                case Op.WaitFor w -> failInTimeout(w.body());
                case Op.Group g -> failInTimeout(g.body()) || g.children().stream().anyMatch(RandomProgramsTest::failInTimeout);
                case Op.Shield s -> failInTimeout(s.body());
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    private static void collectKinds(List<Op> ops, java.util.Set<Class<?>> kinds) {
        for (Op op : ops) {
            kinds.add(op.getClass());
            switch (op) {
                case Op.Spawn s -> collectKinds(s.body(), kinds);
                case Op.Gather g -> g.children().forEach(c -> collectKinds(c, kinds));
                case Op.Wait w -> w.children().forEach(c -> collectKinds(c, kinds));
                case Op.WaitFor w -> collectKinds(w.body(), kinds);
                case Op.Group g -> {
                    g.children().forEach(c -> collectKinds(c, kinds));
                    collectKinds(g.body(), kinds);
                }
                case Op.Timeout t -> collectKinds(t.body(), kinds);
                case Op.Shield s -> collectKinds(s.body(), kinds);
                case Op.WithLock l -> collectKinds(l.body(), kinds);
                case Op.WithPermit p -> collectKinds(p.body(), kinds);
                default -> {
                }
            }
        }
    }

    /** Runs the program on its own thread, so that a hang fails the test instead of the build. */
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
