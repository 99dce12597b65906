package dev.asyncio4j.reliability;

import dev.asyncio4j.ReturnWhen;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Generators of random {@link Program}s for jqwik. Statements nest up to {@link #DEPTH} levels; the
 * body of a lock or semaphore holds only statements that never wait for a task, so that no generated
 * program can deadlock by design (any hang is the engine's).
 */
final class Programs {
    static final int DEPTH = 3;

    private Programs() {
    }

    /** Programs of 2 to 12 top-level statements, nested up to {@link #DEPTH} levels; a quarter with eager tasks. */
    static Arbitrary<Program> programs() {
        Arbitrary<Op> ops = leaves(true);
        for (int level = 0; level < DEPTH; level++) {
            ops = compoundOver(ops);
        }
        Arbitrary<Boolean> eager = Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true));
        return Combinators.combine(eager, ops.list().ofMinSize(2).ofMaxSize(12)).as(Program::new);
    }

    private static Tuple2<Integer, Arbitrary<? extends Op>> w(int weight, Arbitrary<? extends Op> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    private static Arbitrary<Integer> ms(int max) {
        return Arbitraries.integers().between(0, max);
    }

    /** Statements without a body; {@code mayWaitForTasks} allows waiting for spawned tasks and executor jobs. */
    private static Arbitrary<Op> leaves(boolean mayWaitForTasks) {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> two = Arbitraries.integers().between(0, 1);
        return Arbitraries.frequencyOf(
                w(8, ms(3).map(Op.Sleep::new)),
                w(2, Arbitraries.just(new Op.Fail())),
                w(1, Arbitraries.just(new Op.CancelSelf())),
                w(mayWaitForTasks ? 3 : 0, index.map(Op.AwaitTask::new)),
                w(3, index.map(Op.CancelTask::new)),
                w(2, ms(5).map(Op.CondWait::new)),
                w(2, Arbitraries.of(false, true).map(Op.CondNotify::new)),
                w(2, two.map(Op.EventSet::new)),
                w(1, two.map(Op.EventClear::new)),
                w(2, Combinators.combine(two, ms(5)).as(Op.EventWait::new)),
                w(3, Combinators.combine(two, ms(5)).as(Op.Put::new)),
                w(3, Combinators.combine(two, ms(5)).as(Op.Get::new)),
                w(mayWaitForTasks ? 1 : 0, Arbitraries.just(new Op.ToThread())));
    }

    /** One level more: leaves, plus statements whose bodies and child tasks are drawn from {@code inner}. */
    private static Arbitrary<Op> compoundOver(Arbitrary<Op> inner) {
        Arbitrary<List<Op>> body = inner.list().ofMaxSize(4);
        Arbitrary<List<List<Op>>> children = body.list().ofMaxSize(3);
        Arbitrary<List<Op>> heldBody = leaves(false).list().ofMaxSize(3);
        Arbitrary<Integer> two = Arbitraries.integers().between(0, 1);
        Arbitrary<Op> compound = Arbitraries.frequencyOf(
                w(4, body.map(Op.Spawn::new)),
                w(2, Combinators.combine(Arbitraries.of(false, true), children).as(Op.Gather::new)),
                w(2, Combinators.combine(ms(6), Arbitraries.of(ReturnWhen.class), children).as(Op.Wait::new)),
                w(2, Combinators.combine(ms(6), body).as(Op.WaitFor::new)),
                w(3, Combinators.combine(children, body).as(Op.Group::new)),
                w(3, Combinators.combine(ms(6), body).as(Op.Timeout::new)),
                w(2, body.map(Op.Shield::new)),
                w(2, Combinators.combine(two, heldBody).as(Op.WithLock::new)),
                w(2, Combinators.combine(two, heldBody).as(Op.WithPermit::new)));
        return Arbitraries.frequencyOf(w(3, inner), w(2, compound));
    }
}
