package dev.asyncio4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A summariser of benchmark JSON lines: reads the lines of {@link Workloads} and of the peers' scripts
 * and prints a markdown table of medians per workload and system, with the ratio of asyncio4j's
 * median throughput to each other system's.
 *
 * <pre>{@code
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.asyncio4j.bench.Summary raw.jsonl
 * | workload | n | system | runs | median s | median ops/s | asyncio4j ÷ system | ...
 * }</pre>
 *
 * <p>Lines that do not start with {@code {} are ignored, so a whole log can be fed in. A ratio above 1
 * means asyncio4j did more operations per second. For {@code sleepers}, where every system waits the
 * same 0.5 s, compare the {@code overhead s} column instead.
 */
public final class Summary {
    private static final Pattern FIELD =
            Pattern.compile("\"([^\"]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-+0-9.eE]+|true|false|null)");

    private Summary() {
    }

    /**
     * Prints the table for the given files of JSON lines.
     *
     * @param args paths of files of JSON lines
     * @throws IOException if a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String a : args) {
            lines.addAll(Files.readAllLines(Path.of(a)));
        }
        System.out.print(table(lines));
    }

    /** One parsed line: its flat fields, strings unquoted. */
    static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return fields;
    }

    /**
     * Builds the markdown table of medians.
     *
     * @param lines JSON lines, in any order; other lines are skipped
     * @return the table, one row per (workload, n, system)
     */
    static String table(List<String> lines) {
        // workload/n -> system -> runs, in order of first appearance, asyncio4j first
        Map<String, Map<String, List<Map<String, String>>>> groups = new LinkedHashMap<>();
        for (String line : lines) {
            if (!line.startsWith("{")) {
                continue;
            }
            Map<String, String> f = parse(line);
            if (!f.containsKey("system") || !f.containsKey("workload") || !f.containsKey("ops_per_s")) {
                continue;
            }
            String key = f.get("workload") + "\u0000" + f.getOrDefault("n", "?");
            Map<String, List<Map<String, String>>> bySystem = groups.computeIfAbsent(key, k -> {
                Map<String, List<Map<String, String>>> m = new LinkedHashMap<>();
                m.put(Workloads.SYSTEM, new ArrayList<>());
                return m;
            });
            bySystem.computeIfAbsent(f.get("system"), s -> new ArrayList<>()).add(f);
        }
        StringBuilder out = new StringBuilder();
        out.append("| workload | n | system | runs | median s | median ops/s | asyncio4j ÷ system (ops/s) "
                + "| overhead s | peak RSS MB | other CPU s | GC pause s |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, List<Map<String, String>>>> g : groups.entrySet()) {
            String[] key = g.getKey().split("\u0000");
            Double ours = median(g.getValue().get(Workloads.SYSTEM), "ops_per_s");
            for (Map.Entry<String, List<Map<String, String>>> s : g.getValue().entrySet()) {
                List<Map<String, String>> runs = s.getValue();
                if (runs.isEmpty()) {
                    continue;
                }
                Double ops = median(runs, "ops_per_s");
                String ratio = s.getKey().equals(Workloads.SYSTEM) ? "—"
                        : ours == null || ops == null || ops == 0 ? "?" : String.format(Locale.ROOT, "%.2f×", ours / ops);
                out.append("| ").append(key[0])
                        .append(" | ").append(key[1])
                        .append(" | ").append(s.getKey())
                        .append(" | ").append(runs.size())
                        .append(" | ").append(format(median(runs, "seconds"), "%.4f"))
                        .append(" | ").append(format(ops, "%,.0f"))
                        .append(" | ").append(ratio)
                        .append(" | ").append(format(median(runs, "overhead_s"), "%.4f"))
                        .append(" | ").append(format(median(runs, "peak_rss_mb"), "%.1f"))
                        .append(" | ").append(format(median(runs, "foreign_cpu_s"), "%.2f"))
                        .append(" | ").append(format(median(runs, "gc_pause_s"), "%.3f"))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    /** The median of a numeric field over the runs that have it, or {@code null} if none has. */
    static Double median(List<Map<String, String>> runs, String field) {
        List<Double> values = new ArrayList<>();
        for (Map<String, String> r : runs) {
            String v = r.get(field);
            if (v != null) {
                try {
                    values.add(Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    // not a number: skip
                }
            }
        }
        if (values.isEmpty()) {
            return null;
        }
        values.sort(null);
        int mid = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(mid) : (values.get(mid - 1) + values.get(mid)) / 2;
    }

    private static String format(Double value, String pattern) {
        return value == null ? "—" : String.format(Locale.ROOT, pattern, value);
    }
}
