package dev.asyncio4j.reliability;

import java.util.List;

/**
 * A random program: the statements its main task runs. {@link #toString()} prints it as indented
 * pseudo-code, which is what a failing property shows after shrinking.
 *
 * @param eager whether the loop starts tasks eagerly ({@code EventLoop.setEagerTasks})
 * @param main  the main task's statements
 */
record Program(boolean eager, List<Op> main) {

    /** Tells whether the program uses a real thread, whose timing makes its trace nondeterministic. */
    boolean usesThreads() {
        return usesThreads(main);
    }

    private static boolean usesThreads(List<Op> body) {
        for (Op op : body) {
            boolean found = switch (op) {
                case Op.ToThread t -> true;
                case Op.Spawn s -> usesThreads(s.body());
                case Op.Gather g -> g.children().stream().anyMatch(Program::usesThreads);
                case Op.Wait w -> w.children().stream().anyMatch(Program::usesThreads);
                case Op.WaitFor w -> usesThreads(w.body());
                case Op.Group g -> usesThreads(g.body()) || g.children().stream().anyMatch(Program::usesThreads);
                case Op.Timeout t -> usesThreads(t.body());
                case Op.Shield s -> usesThreads(s.body());
                case Op.WithLock l -> usesThreads(l.body());
                case Op.WithPermit p -> usesThreads(p.body());
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** Counts the statements, nested ones included. */
    int size() {
        return size(main);
    }

    private static int size(List<Op> body) {
        int n = 0;
        for (Op op : body) {
            n += 1 + switch (op) {
                case Op.Spawn s -> size(s.body());
                case Op.Gather g -> g.children().stream().mapToInt(Program::size).sum();
                case Op.Wait w -> w.children().stream().mapToInt(Program::size).sum();
                case Op.WaitFor w -> size(w.body());
                case Op.Group g -> size(g.body()) + g.children().stream().mapToInt(Program::size).sum();
                case Op.Timeout t -> size(t.body());
                case Op.Shield s -> size(s.body());
                case Op.WithLock l -> size(l.body());
                case Op.WithPermit p -> size(p.body());
                default -> 0;
            };
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(eager ? "\n(eager tasks)" : "").append("\nmain:");
        print(out, main, 1);
        return out.append('\n').toString();
    }

    private static void print(StringBuilder out, List<Op> body, int depth) {
        if (body.isEmpty()) {
            line(out, depth, "pass");
        }
        for (Op op : body) {
            switch (op) {
                case Op.Sleep s -> line(out, depth, s.ms() == 0 ? "sleep 0 (yield)" : "sleep " + s.ms() + "ms");
                case Op.Fail f -> line(out, depth, "throw ProgramFailure");
                case Op.CancelSelf c -> line(out, depth, "currentTask().cancel()");
                case Op.Spawn s -> block(out, depth, "spawn:", s.body());
                case Op.AwaitTask a -> line(out, depth, "wait for spawned[-" + (a.back() + 1) + "]");
                case Op.CancelTask c -> line(out, depth, "cancel spawned[-" + (c.back() + 1) + "]");
                case Op.Gather g -> children(out, depth, "gather(returnExceptions=" + g.returnExceptions() + "):", g.children());
                case Op.Wait w -> children(out, depth, "wait(timeout=" + w.timeoutMs() + "ms, " + w.returnWhen() + "):", w.children());
                case Op.WaitFor w -> block(out, depth, "waitFor(timeout=" + w.timeoutMs() + "ms) task:", w.body());
                case Op.Group g -> {
                    children(out, depth, "taskGroup:", g.children());
                    block(out, depth + 1, "body:", g.body());
                }
                case Op.Timeout t -> block(out, depth, "timeout(" + t.ms() + "ms):", t.body());
                case Op.Shield s -> block(out, depth, "await shield(task):", s.body());
                case Op.WithLock l -> block(out, depth, "with lock" + l.lock() + ":", l.body());
                case Op.WithPermit p -> block(out, depth, "with semaphore" + p.sem() + ":", p.body());
                case Op.CondWait c -> line(out, depth, "condition.wait() for at most " + c.timeoutMs() + "ms");
                case Op.CondNotify c -> line(out, depth, c.all() ? "condition.notifyAll()" : "condition.notify()");
                case Op.EventSet e -> line(out, depth, "event" + e.event() + ".set()");
                case Op.EventClear e -> line(out, depth, "event" + e.event() + ".clear()");
                case Op.EventWait e -> line(out, depth, "event" + e.event() + ".wait() for at most " + e.timeoutMs() + "ms");
                case Op.Put p -> line(out, depth, "queue" + p.queue() + ".put(next item) for at most " + p.timeoutMs() + "ms");
                case Op.Get g -> line(out, depth, "queue" + g.queue() + ".get() for at most " + g.timeoutMs() + "ms");
                case Op.ToThread t -> line(out, depth, "toThread(job)");
            }
        }
    }

    private static void children(StringBuilder out, int depth, String head, List<List<Op>> children) {
        line(out, depth, head);
        for (List<Op> child : children) {
            block(out, depth + 1, "task:", child);
        }
    }

    private static void block(StringBuilder out, int depth, String head, List<Op> body) {
        line(out, depth, head);
        print(out, body, depth + 1);
    }

    private static void line(StringBuilder out, int depth, String text) {
        out.append('\n').append("  ".repeat(depth)).append(text);
    }
}
