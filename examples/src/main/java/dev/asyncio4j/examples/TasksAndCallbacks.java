package dev.asyncio4j.examples;

import static dev.asyncio4j.Asyncio.sleep;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.DoneAndPending;
import dev.asyncio4j.EventLoop;
import dev.asyncio4j.Future;
import dev.asyncio4j.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * An event loop driven by hand: the seed's basic-usage program (section "1. simple usage",
 * "(1) basic usage"), which creates two tasks on a loop, binds a done callback to one of them, runs
 * the loop until {@code wait} says both are done, and reads their results.
 *
 * <pre>{@code
 * callback: task1 got its result: func(task1) done
 * wait: 2 done, 0 pending
 * func(task1) done
 * func(task2) done
 * }</pre>
 *
 * <p>The callback receives the task itself, a {@link Future} holding the result, and runs on the
 * loop once the task is done, before {@code runUntilComplete} returns. The two tasks sleep at the
 * same time, so the loop runs for one unit of time, not two.
 *
 * <p>In the seed, {@code func} does nothing and every result is {@code None}; here it sleeps for a
 * unit and returns a string, so that the results and the timing say something. asyncio's
 * {@code wait(tasks)} is a coroutine; asyncio4j's {@code Asyncio.wait} suspends a task, so the loop
 * runs it as a coroutine of its own.
 */
public final class TasksAndCallbacks {
    private TasksAndCallbacks() {
    }

    /**
     * Runs the program on standard output; each task sleeps one second.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out, Duration.ofSeconds(1));
    }

    /**
     * Runs the program.
     *
     * @param out  where to print
     * @param unit how long each task sleeps
     */
    public static void run(PrintStream out, Duration unit) {
        // define the callback: it receives the future (holding the result)
        Consumer<Future<String>> callback = future ->
                out.println("callback: task1 got its result: " + future.result());

        // create the event loop
        try (EventLoop loop = Asyncio.newEventLoop()) {
            // create the tasks
            Task<String> task1 = loop.createTask(() -> func("task1", unit));
            Task<String> task2 = loop.createTask(() -> func("task2", unit));
            List<Task<String>> tasks = List.of(task1, task2);
            // bind the callback to task1
            task1.addDoneCallback(callback);

            // run the tasks (blocks here until all of them are done)
            DoneAndPending<Task<String>> result =
                    loop.runUntilComplete(() -> Asyncio.wait(tasks));
            out.println("wait: " + result.done().size() + " done, " + result.pending().size() + " pending");

            // get the results
            for (Task<String> task : tasks) {
                out.println(task.result());
            }
        }
    }

    /** The coroutine both tasks run. */
    static String func(String name, Duration unit) {
        sleep(unit);
        return "func(" + name + ") done";
    }
}
