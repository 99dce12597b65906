package dev.asyncio4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cancellation storm: 10,000 tasks in three levels of nested task groups, each second-level group
 * under a timeout, a fifth of the leaf tasks cancelled by their group's body at random points, a few
 * failing. Every invariant of {@link Interpreter} holds, the run finishes within its loop-time bound,
 * and on virtual time it is deterministic. The seed is fixed (override: -Dasyncio4j.storm.seed=N).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationStormTest {
    static final int OUTER = 10;
    static final int INNER = 10;
    static final int LEAVES = 100;

    @Test
    void tenThousandTasksUnderTimeoutsAndRandomCancellationsKeepEveryInvariant() {
        long seed = Long.getLong("asyncio4j.storm.seed", 20261126L);
        Program storm = storm(new Random(seed));
        Interpreter.Outcome first = RandomProgramsTest.runGuarded(storm, true);
        assertThat(first.violations()).as("seed %d:%s", seed, first.describe()).isEmpty();
        assertThat(first.tasks()).isEqualTo(OUTER + OUTER * INNER + OUTER * INNER * LEAVES);
        long cancelled = first.trace().stream().filter(e -> e.endsWith(" done cancelled")).count();
        assertThat(cancelled).as("tasks that ended cancelled").isGreaterThanOrEqualTo(OUTER * INNER * LEAVES / 5);
        String last = first.trace().get(first.trace().size() - 1).trim();
        double endedAtMs = Double.parseDouble(last.substring(0, last.indexOf("ms")));
        assertThat(endedAtMs).as("loop time the storm took, ms (its timeouts are at most 60 ms)").isLessThan(1000);
        Interpreter.Outcome second = RandomProgramsTest.runGuarded(storm, true);
        assertThat(second.trace()).as("seed %d: the storm gave another trace on virtual time", seed).isEqualTo(first.trace());
    }

    /** main: a group of OUTER tasks, each a timeout around a group of INNER groups of LEAVES leaves. */
    static Program storm(Random random) {
        List<List<Op>> outer = new ArrayList<>();
        for (int i = 0; i < OUTER; i++) {
            List<List<Op>> inner = new ArrayList<>();
            for (int j = 0; j < INNER; j++) {
                List<List<Op>> leaves = new ArrayList<>();
                for (int k = 0; k < LEAVES; k++) {
                    leaves.add(leaf(random));
                }
                inner.add(List.of(new Op.Group(leaves, canceller(random))));
            }
            outer.add(List.of(new Op.Timeout(20 + random.nextInt(40), List.of(new Op.Group(inner, List.of())))));
        }
        return new Program(false, List.of(new Op.Group(outer, List.of())));
    }

    /** A leaf: a few awaits of every kind; one in 500 fails, which cancels its group. */
    private static List<Op> leaf(Random random) {
        List<Op> ops = new ArrayList<>();
        int steps = 2 + random.nextInt(5);
        for (int s = 0; s < steps; s++) {
            ops.add(switch (random.nextInt(8)) {
                case 0 -> new Op.WithLock(random.nextInt(Interpreter.LOCKS), List.of(new Op.Sleep(random.nextInt(2))));
                case 1 -> new Op.WithPermit(random.nextInt(2), List.of(new Op.Sleep(random.nextInt(3))));
                case 2 -> new Op.Put(random.nextInt(2), random.nextInt(10));
                case 3 -> new Op.Get(random.nextInt(2), random.nextInt(10));
                case 4 -> new Op.EventWait(random.nextInt(Interpreter.EVENTS), random.nextInt(5));
                case 5 -> random.nextBoolean() ? new Op.EventSet(random.nextInt(Interpreter.EVENTS)) : new Op.CondNotify(true);
                default -> new Op.Sleep(random.nextInt(10));
            });
        }
        if (random.nextInt(500) == 0) {
            ops.add(random.nextInt(ops.size() + 1), new Op.Fail());
        }
        return ops;
    }

    /** A group body that cancels a fifth of its LEAVES tasks, one at a time at random moments. */
    private static List<Op> canceller(Random random) {
        List<Integer> victims = new ArrayList<>();
        for (int k = 0; k < LEAVES; k++) {
            victims.add(k);
        }
        Collections.shuffle(victims, random);
        List<Op> ops = new ArrayList<>();
        for (int v : victims.subList(0, LEAVES / 5)) {
            ops.add(new Op.Sleep(random.nextInt(3)));
            ops.add(new Op.CancelTask(v));
        }
        return ops;
    }
}
