package dev.asyncio4j.examples;

import static dev.asyncio4j.Asyncio.await;
import static dev.asyncio4j.Asyncio.createTask;
import static dev.asyncio4j.Asyncio.gather;
import static dev.asyncio4j.Asyncio.sleep;

import dev.asyncio4j.Asyncio;
import dev.asyncio4j.Coroutine;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Tasks, coroutines and awaiting: the seed's {@code slow_database_fetch} program (section
 * "2. eventloop", "(4) example"), where a task awaits a nested coroutine while another task works.
 *
 * <pre>{@code
 * slow_database_fetch: before awaiting inner
 * inner: start
 * inner: end
 * slow_database_fetch: result = 123
 * [null, Other work done]
 * }</pre>
 *
 * <p>There are three tasks (main and the two it gathers), but only two of them are concurrent work
 * tasks: main just waits for both. Awaiting {@code inner} runs it inside the task of
 * {@code slowDatabaseFetch}, in order, without a new task; while it sleeps, {@code doOtherWork}
 * sleeps too, so the program takes one unit of time, not two.
 *
 * <p>Python's {@code gather()} wraps coroutines in tasks itself; asyncio4j's takes futures, so the
 * two tasks are created explicitly. The last line is Java's {@code List.toString()}: Python prints
 * {@code [None, 'Other work done']}.
 */
public final class NestedGather {
    private NestedGather() {
    }

    /**
     * Runs the program on standard output with the seed's one-second sleeps.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out, Duration.ofSeconds(1));
    }

    /**
     * Runs the program: {@code asyncio.run(main())}.
     *
     * @param out  where to print
     * @param unit how long each of the two sleeps lasts (the seed's one second)
     */
    public static void run(PrintStream out, Duration unit) {
        // create the event loop, put the main task in
        Asyncio.run(() -> main(out, unit));
    }

    static Void slowDatabaseFetch(PrintStream out, Duration unit) throws Exception {
        Coroutine<Integer> inner = () -> {
            out.println("inner: start");
            sleep(unit);
            out.println("inner: end");
            return 123;
        };

        out.println("slow_database_fetch: before awaiting inner");
        int result = inner.call();                  // result = await inner()
        out.println("slow_database_fetch: result = " + result);
        return null;
    }

    static String doOtherWork(Duration unit) {
        sleep(unit);
        return "Other work done";
    }

    static Void main(PrintStream out, Duration unit) {
        // put tasks (slow_database_fetch, do_other_work) in the event loop
        // wait for the results of the 2 tasks
        List<Object> results = await(gather(
                createTask(() -> slowDatabaseFetch(out, unit)),
                createTask(() -> doOtherWork(unit))));
        out.println(results);
        return null;
    }
}
