package dev.asyncio4j.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The launcher of the seed walkthrough: runs every example program of the seed (its asyncssh ones
 * against an embedded SSH server), in the seed's order, or those named as arguments
 * (case-insensitive), each under a header line.
 *
 * <pre>{@code
 * ./scripts/examples                 # all of them
 * ./scripts/examples NestedGather    # one of them
 * }</pre>
 *
 * <p>Time is the seed's: one unit is one second. An unknown name prints the known ones to standard
 * error and exits with status 2, running nothing.
 */
public final class Main {
    /** Every example, in the order of the seed. */
    static final Map<String, BiConsumer<PrintStream, Duration>> EXAMPLES = examples();

    private Main() {
    }

    private static Map<String, BiConsumer<PrintStream, Duration>> examples() {
        Map<String, BiConsumer<PrintStream, Duration>> all = new LinkedHashMap<>();
        all.put("CallbackPipeline", CallbackPipeline::run);
        all.put("AwaitPipeline", AwaitPipeline::run);
        all.put("NestedGather", NestedGather::run);
        all.put("TasksAndCallbacks", TasksAndCallbacks::run);
        all.put("GatherVsWait", GatherVsWait::run);
        all.put("RunInExecutor", RunInExecutor::run);
        all.put("SshRun", SshRun::run);
        all.put("SshSudoRun", SshSudoRun::run);
        return all;
    }

    /**
     * Runs the examples named in {@code args}, or all of them.
     *
     * @param args example names, any case; none for all
     */
    public static void main(String[] args) {
        int status = run(System.out, System.err, Duration.ofSeconds(1), List.of(args));
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the examples named in {@code names}, or all of them when it is empty.
     *
     * @return 0, or 2 if a name is unknown (then nothing runs)
     */
    static int run(PrintStream out, PrintStream err, Duration unit, List<String> names) {
        List<String> chosen = new ArrayList<>();
        for (String name : names) {
            String known = EXAMPLES.keySet().stream().filter(name::equalsIgnoreCase).findFirst().orElse(null);
            if (known == null) {
                err.println("unknown example '" + name + "'; the examples are: " + String.join(", ", EXAMPLES.keySet()));
                return 2;
            }
            chosen.add(known);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(EXAMPLES.keySet());
        }
        for (String name : chosen) {
            out.println("=== " + name + " ===");
            EXAMPLES.get(name).accept(out, unit);
            out.flush();
        }
        return 0;
    }
}
