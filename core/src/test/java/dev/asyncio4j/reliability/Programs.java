package dev.asyncio4j.reliability;

import dev.asyncio4j.ReturnWhen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Random {@link Program}s from a seed, and the smaller variants of a program that shrinking tries.
 * Statements nest up to {@link #DEPTH} levels; the body of a lock or semaphore holds only statements
 * that never wait for a task, so that no generated program can deadlock by design (any hang is the
 * engine's).
 *
 * <p>Hand-written rather than on a property-testing library: jqwik, the one the issue suggested,
 * carries an anti-AI-agent usage clause (since 1.10) that this project respects, and the generator and
 * a greedy shrinker over this small statement tree take a page.
 */
final class Programs {
    static final int DEPTH = 3;

    private Programs() {
    }

    /**
     * The program of one seed: 2 to 12 top-level statements, nested up to {@link #DEPTH} levels; a
     * quarter with eager tasks.
     *
     * @param seed any number; the same seed gives the same program
     * @return the program
     */
    static Program random(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean eager = rnd.nextInt(4) == 0;
        return new Program(eager, list(rnd, 2 + rnd.nextInt(11), () -> op(rnd, DEPTH, true)));
    }

    private static <T> List<T> list(SplittableRandom rnd, int size, Supplier<T> element) {
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(element.get());
        }
        return List.copyOf(out);
    }

    /* At each level: a leaf (weight 3) or a compound statement over the level below (weight 2). */
    private static Op op(SplittableRandom rnd, int depth, boolean mayWaitForTasks) {
        if (depth == 0 || rnd.nextInt(5) < 3) {
            return leaf(rnd, mayWaitForTasks);
        }
        Supplier<List<Op>> body = () -> list(rnd, rnd.nextInt(5), () -> op(rnd, depth - 1, true));
        Supplier<List<List<Op>>> children = () -> list(rnd, rnd.nextInt(4), body);
        Supplier<List<Op>> held = () -> list(rnd, rnd.nextInt(4), () -> leaf(rnd, false));
        return switch (pick(rnd, 4, 2, 2, 2, 3, 3, 2, 2, 2)) {
            case 0 -> new Op.Spawn(body.get());
            case 1 -> new Op.Gather(rnd.nextBoolean(), children.get());
            case 2 -> new Op.Wait(rnd.nextInt(7), ReturnWhen.values()[rnd.nextInt(ReturnWhen.values().length)], children.get());
            case 3 -> new Op.WaitFor(rnd.nextInt(7), body.get());
            case 4 -> new Op.Group(children.get(), body.get());
            case 5 -> new Op.Timeout(rnd.nextInt(7), body.get());
            case 6 -> new Op.Shield(body.get());
            case 7 -> new Op.WithLock(rnd.nextInt(2), held.get());
            default -> new Op.WithPermit(rnd.nextInt(2), held.get());
        };
    }

    /* Statements without a body; mayWaitForTasks allows waiting for spawned tasks and executor jobs. */
    private static Op leaf(SplittableRandom rnd, boolean mayWaitForTasks) {
        int w = mayWaitForTasks ? 1 : 0;
        return switch (pick(rnd, 8, 2, 1, 3 * w, 3, 2, 2, 2, 1, 2, 3, 3, w)) {
            case 0 -> new Op.Sleep(rnd.nextInt(4));
            case 1 -> new Op.Fail();
            case 2 -> new Op.CancelSelf();
            case 3 -> new Op.AwaitTask(rnd.nextInt(4));
            case 4 -> new Op.CancelTask(rnd.nextInt(4));
            case 5 -> new Op.CondWait(rnd.nextInt(6));
            case 6 -> new Op.CondNotify(rnd.nextBoolean());
            case 7 -> new Op.EventSet(rnd.nextInt(2));
            case 8 -> new Op.EventClear(rnd.nextInt(2));
            case 9 -> new Op.EventWait(rnd.nextInt(2), rnd.nextInt(6));
            case 10 -> new Op.Put(rnd.nextInt(2), rnd.nextInt(6));
            case 11 -> new Op.Get(rnd.nextInt(2), rnd.nextInt(6));
            default -> new Op.ToThread();
        };
    }

    /* An index drawn with the given weights. */
    private static int pick(SplittableRandom rnd, int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = rnd.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        throw new AssertionError("unreachable");
    }

    // ------------------------------------------------------------------ shrinking

    /**
     * Programs one step smaller than {@code p}, most radical first: a top-level statement removed, a
     * compound statement replaced by its body, a nested statement or child body removed, a number
     * lowered, eagerness dropped.
     *
     * @param p a program
     * @return its one-step-smaller variants
     */
    static List<Program> smaller(Program p) {
        List<Program> out = new ArrayList<>();
        for (List<Op> main : smallerLists(p.main())) {
            out.add(new Program(p.eager(), main));
        }
        if (p.eager()) {
            out.add(new Program(false, p.main()));
        }
        return out;
    }

    private static List<List<Op>> smallerLists(List<Op> ops) {
        List<List<Op>> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            out.add(without(ops, i));
        }
        for (int i = 0; i < ops.size(); i++) {
            for (List<Op> inlined : inlinings(ops.get(i))) {
                List<Op> copy = new ArrayList<>(ops.subList(0, i));
                copy.addAll(inlined);
                copy.addAll(ops.subList(i + 1, ops.size()));
                out.add(List.copyOf(copy));
            }
            for (Op smaller : smallerOps(ops.get(i))) {
                List<Op> copy = new ArrayList<>(ops);
                copy.set(i, smaller);
                out.add(List.copyOf(copy));
            }
        }
        return out;
    }

    private static <T> List<T> without(List<T> list, int i) {
        List<T> copy = new ArrayList<>(list);
        copy.remove(i);
        return List.copyOf(copy);
    }

    /* A compound statement replaced by the statements of its body (the wrapper dropped). */
    private static List<List<Op>> inlinings(Op op) {
        return switch (op) {
            case Op.Spawn s -> List.of(s.body());
            case Op.WaitFor w -> List.of(w.body());
            case Op.Timeout t -> List.of(t.body());
            case Op.Shield s -> List.of(s.body());
            case Op.WithLock l -> List.of(l.body());
            case Op.WithPermit p -> List.of(p.body());
            case Op.Group g -> List.of(g.body());
            default -> List.of();
        };
    }

    /* The same statement with one part smaller: a body, a child body, a number. */
    private static List<Op> smallerOps(Op op) {
        List<Op> out = new ArrayList<>();
        switch (op) {
            case Op.Sleep s when s.ms() > 0 -> out.add(new Op.Sleep(0));
            case Op.Spawn s -> smallerLists(s.body()).forEach(b -> out.add(new Op.Spawn(b)));
            case Op.Gather g -> smallerChildren(g.children()).forEach(c -> out.add(new Op.Gather(g.returnExceptions(), c)));
            case Op.Wait w -> smallerChildren(w.children()).forEach(c -> out.add(new Op.Wait(w.timeoutMs(), w.returnWhen(), c)));
            case Op.WaitFor w -> smallerLists(w.body()).forEach(b -> out.add(new Op.WaitFor(w.timeoutMs(), b)));
            case Op.Group g -> {
                smallerChildren(g.children()).forEach(c -> out.add(new Op.Group(c, g.body())));
                smallerLists(g.body()).forEach(b -> out.add(new Op.Group(g.children(), b)));
            }
            case Op.Timeout t -> smallerLists(t.body()).forEach(b -> out.add(new Op.Timeout(t.ms(), b)));
            case Op.Shield s -> smallerLists(s.body()).forEach(b -> out.add(new Op.Shield(b)));
            case Op.WithLock l -> smallerLists(l.body()).forEach(b -> out.add(new Op.WithLock(l.lock(), b)));
            case Op.WithPermit p -> smallerLists(p.body()).forEach(b -> out.add(new Op.WithPermit(p.sem(), b)));
            default -> {
            }
        }
        return out;
    }

    private static List<List<List<Op>>> smallerChildren(List<List<Op>> children) {
        List<List<List<Op>>> out = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            out.add(without(children, i));
        }
        for (int i = 0; i < children.size(); i++) {
            for (List<Op> child : smallerLists(children.get(i))) {
                List<List<Op>> copy = new ArrayList<>(children);
                copy.set(i, child);
                out.add(List.copyOf(copy));
            }
        }
        return out;
    }
}
