package dev.asyncio4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary takes medians per workload and system and sets ours against each peer. */
class SummaryTest {
    private static String line(String system, String workload, int n, double seconds) {
        return "{\"system\": \"" + system + "\", \"workload\": \"" + workload + "\", \"n\": " + n
                + ", \"seconds\": " + seconds + ", \"ops_per_s\": " + n / seconds + ", \"peak_rss_mb\": 20.0}";
    }

    @Test
    void parsesStringsAndNumbers() {
        Map<String, String> f = Summary.parse("{\"a\": \"x \\\"y\\\"\", \"b\": -1.5e3, \"c\": 7}");
        assertThat(f).containsEntry("a", "x \\\"y\\\"").containsEntry("b", "-1.5e3").containsEntry("c", "7");
    }

    @Test
    void mediansAndRatios() {
        String table = Summary.table(List.of(
                "# a comment line",
                line("cpython-asyncio", "switch", 1000, 1.0),
                line("asyncio4j", "switch", 1000, 0.1),
                line("asyncio4j", "switch", 1000, 0.5),
                line("asyncio4j", "switch", 1000, 0.2),
                line("cpython-asyncio", "switch", 1000, 2.0),
                line("cpython-asyncio", "switch", 1000, 9.0)));
        List<String> rows = table.lines().toList();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(2)).startsWith("| switch | 1000 | asyncio4j | 3 | 0.2000 | 5,000 | — |");
        assertThat(rows.get(3)).startsWith("| switch | 1000 | cpython-asyncio | 3 | 2.0000 | 500 | 10.00× |");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Summary.median(List.of(Map.of("x", "1"), Map.of("x", "4"), Map.of("x", "2"), Map.of("y", "9")), "x"))
                .isEqualTo(2.0);
        assertThat(Summary.median(List.of(Map.of("x", "1"), Map.of("x", "3")), "x")).isEqualTo(2.0);
        assertThat(Summary.median(List.of(), "x")).isNull();
    }
}
