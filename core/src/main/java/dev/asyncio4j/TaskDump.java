package dev.asyncio4j;

import dev.asyncio4j.internal.DefaultEventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of every live task of a loop, with what each awaits and who awaits it: what Python
 * 3.14's {@code python -m asyncio pstree} shows.
 *
 * <pre>{@code
 * System.out.println(TaskDump.of(Asyncio.getRunningLoop()).format());
 * // └── Task-1 awaiting gather of 2
 * //     ├── worker-a awaiting sleep 5s
 * //     │       at Example.lambda$main$0(Example.java:12)
 * //     └── worker-b awaiting task consumer
 * }</pre>
 *
 * <p>From outside the JVM the same text is the {@code dumpTasks} operation of the MBean
 * {@code dev.asyncio4j:type=Tasks} (jconsole or JDK Mission Control: MBeans tab), which covers every
 * open loop of the JVM.
 *
 * <p>Take a snapshot on the loop (from a task or callback); the MBean does that for you.
 *
 * @param tasks the live tasks, in creation order
 */
public record TaskDump(List<Entry> tasks) {

    /**
     * One live task.
     *
     * @param name      the task's name
     * @param state     {@code running} (the task calling the dump), {@code pending} or {@code scheduled}
     *                  (ready to run)
     * @param awaiting  what it is suspended on: a label such as {@code sleep 5s}, {@code gather of 3},
     *                  {@code task worker-2}, or the call of a primitive it waits in ({@code Lock.acquire},
     *                  {@code Semaphore.acquire}, {@code Event.await}, {@code Condition.await},
     *                  {@code Barrier.await}, {@code Queue.get}, {@code Queue.put}, {@code Queue.join});
     *                  empty if none
     * @param awaitedBy names of the tasks that await it, directly or through a gather or task group
     * @param stack     the coroutine's frames where it is suspended, innermost first
     */
    public record Entry(String name, String state, String awaiting, List<String> awaitedBy, List<StackTraceElement> stack) {
        /**
         * Creates an entry.
         *
         * @param name      the task's name
         * @param state     its state
         * @param awaiting  what it awaits
         * @param awaitedBy who awaits it
         * @param stack     its suspended stack
         */
        public Entry {
            awaitedBy = List.copyOf(awaitedBy);
            stack = List.copyOf(stack);
        }
    }

    /**
     * Creates a dump.
     *
     * @param tasks the entries
     */
    public TaskDump {
        tasks = List.copyOf(tasks);
    }

    /**
     * Takes a snapshot of {@code loop}'s live tasks. Call it on the loop.
     *
     * @param loop the loop
     * @return the snapshot
     */
    public static TaskDump of(EventLoop loop) {
        DefaultEventLoop l = (DefaultEventLoop) loop;
        List<Task<?>> live = l.allTasks();
        Task<?> current = l.currentTask();
        Map<Task<?>, List<String>> awaitedBy = new IdentityHashMap<>();
        Map<Task<?>, String> awaiting = new IdentityHashMap<>();
        for (Task<?> t : live) {
            Future<?> w = t.awaitedFuture();
            if (w == null) {
                continue;
            }
            awaiting.put(t, w instanceof Task<?> target ? "task " + target.getName() : w.label());
            List<Task<?>> targets = new ArrayList<>();
            collectTasks(w, targets, 0);
            for (Task<?> target : targets) {
                awaitedBy.computeIfAbsent(target, k -> new ArrayList<>()).add(t.getName());
            }
        }
        for (Task<?> t : live) {
            if (t.groupParent != null) {
                List<String> by = awaitedBy.computeIfAbsent(t, k -> new ArrayList<>());
                if (!by.contains(t.groupParent.getName())) {
                    by.add(0, t.groupParent.getName());
                }
            }
        }
        List<Entry> entries = new ArrayList<>(live.size());
        for (Task<?> t : live) {
            String state = t == current ? "running" : awaiting.containsKey(t) ? "pending" : "scheduled";
            entries.add(new Entry(t.getName(), state, awaiting.getOrDefault(t, ""),
                    awaitedBy.getOrDefault(t, List.of()), t == current ? List.of() : t.getStack()));
        }
        return new TaskDump(entries);
    }

    private static void collectTasks(Future<?> f, List<Task<?>> out, int depth) {
        if (f instanceof Task<?> t) {
            out.add(t);
            return;
        }
        if (depth > 16) {
            return;
        }
        for (Future<?> child : f.awaitedChildren()) {
            collectTasks(child, out, depth + 1);
        }
    }

    /**
     * Formats the dump as a tree of who awaits whom: roots are tasks nobody awaits; each task's
     * children are the tasks it awaits. Each line shows the task's name, what it awaits, and up to
     * three frames of its suspended stack.
     *
     * @return the tree as text
     */
    public String format() {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : tasks) {
            byName.putIfAbsent(e.name(), e);
        }
        Map<String, List<Entry>> children = new LinkedHashMap<>();
        List<Entry> roots = new ArrayList<>();
        for (Entry e : tasks) {
            if (e.awaitedBy().isEmpty()) {
                roots.add(e);
            }
            for (String parent : e.awaitedBy()) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(e);
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < roots.size(); i++) {
            append(out, roots.get(i), "", i == roots.size() - 1, children, new ArrayList<>());
        }
        return out.toString();
    }

    private static void append(StringBuilder out, Entry e, String indent, boolean last,
                               Map<String, List<Entry>> children, List<String> path) {
        out.append(indent).append(last ? "└── " : "├── ").append(e.name()).append(" [").append(e.state()).append(']');
        if (!e.awaiting().isEmpty()) {
            out.append(" awaiting ").append(e.awaiting());
        }
        out.append('\n');
        String childIndent = indent + (last ? "    " : "│   ");
        for (int i = 0; i < Math.min(3, e.stack().size()); i++) {
            out.append(childIndent).append("    at ").append(e.stack().get(i)).append('\n');
        }
        if (path.contains(e.name())) {
            return;
        }
        path.add(e.name());
        List<Entry> kids = children.getOrDefault(e.name(), List.of());
        for (int i = 0; i < kids.size(); i++) {
            append(out, kids.get(i), childIndent, i == kids.size() - 1, children, path);
        }
        path.remove(path.size() - 1);
    }
}
