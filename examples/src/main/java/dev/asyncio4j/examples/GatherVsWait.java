package dev.asyncio4j.examples;

import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.DoneAndPending;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The difference between {@code gather} and {@code wait}: the seed's section "(2) gather vs wait",
 * run on a loop driven with {@code runUntilComplete} as in the seed, with a {@code task1} slower than
 * {@code task2}.
 *
 * <pre>{@code
 * task2 finished
 * task1 finished
 * gather: results in argument order: [result of task1, result of task2]
 * task2 finished
 * task1 finished
 * wait: done tasks in completion order: [task2, task1]
 * }</pre>
 *
 * <p>Neither blocks the tasks: both let them run concurrently and differ only in how the outcome
 * comes back. {@code gather} returns the results themselves, in the order of its arguments, whoever
 * finishes first. {@code wait} returns the tasks (futures), the done ones in the order they
 * completed (asyncio returns an unordered set; asyncio4j keeps completion order), and the caller
 * reads each one's {@code result()}.
 */
public final class GatherVsWait {
    private GatherVsWait() {
    }

    /**
     * Runs the program on standard output: task1 takes one second, task2 half a second.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out, Duration.ofSeconds(1));
    }

    /**
     * Runs the program; it takes about two units (one for gather, one for wait).
     *
     * @param out  where to print
     * @param unit how long task1 takes; task2 takes half of it
     */
    public static void run(PrintStream out, Duration unit) {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            // gather: [result of task1, result of task2], whoever finishes first
            Task<String> task1 = loop.createTask(() -> job(out, "task1", unit), "task1");
            Task<String> task2 = loop.createTask(() -> job(out, "task2", unit.dividedBy(2)), "task2");
            List<String> results = loop.runUntilComplete(gather(task1, task2));
            out.println("gather: results in argument order: " + results);

            // wait: the first to finish comes first, and what comes back are the tasks
            Task<String> task3 = loop.createTask(() -> job(out, "task1", unit), "task1");
            Task<String> task4 = loop.createTask(() -> job(out, "task2", unit.dividedBy(2)), "task2");
            DoneAndPending<Task<String>> outcome =
                    loop.runUntilComplete(() -> Asyncio.wait(List.of(task3, task4)));
            out.println("wait: done tasks in completion order: "
                    + outcome.done().stream().map(Task::getName).toList());
        }
    }

    static String job(PrintStream out, String name, Duration delay) {
        sleep(delay);
        out.println(name + " finished");
        return "result of " + name;
    }
}
