package dev.asyncio4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio4j.bench.Workloads.Workload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each workload, at a small size, does its work and reports it in the peers' format. */
class WorkloadsTest {
    @Test
    void switchCountsEveryYield() throws Exception {
        Measured m = Workload.SWITCH.pass(1_000);
        assertThat(m.n()).isEqualTo(1_000);
        assertThat(m.seconds()).isPositive();
    }

    @Test
    void spawnChecksTheSum() throws Exception {
        assertThat(Workload.SPAWN.pass(1_000).n()).isEqualTo(1_000);
    }

    @Test
    void sleepersReportOverheadOverHalfASecond() throws Exception {
        Measured m = Workload.SLEEPERS.pass(100);
        assertThat(m.seconds()).isGreaterThanOrEqualTo(0.5);
        assertThat(m.extras()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("overhead_s");
            assertThat(e.value()).isEqualTo(m.seconds() - 0.5);
        });
    }

    @Test
    void sleepersProbeMeasuresTheHeapOfASleepingTask() throws Exception {
        Measured m = Workload.SLEEPERS.probe(2_000);
        assertThat(m.extras()).extracting(Measured.Extra::key).containsExactly("overhead_s", "heap_per_task_b");
        // a parked task holds at least its Task, virtual thread and stack chunk: hundreds of bytes
        assertThat(m.extras().get(1).value()).isBetween(200.0, 64 * 1024.0);
    }

    @Test
    void pingpongCountsRoundTrips() throws Exception {
        assertThat(Workload.PINGPONG.pass(1_000).n()).isEqualTo(1_000);
    }

    @Test
    void semaphoreLetsExactlyItsPermitsInAtOnce() throws Exception {
        Measured m = Workload.SEMAPHORE.pass(2_500);
        assertThat(m.n()).isEqualTo(2_500);
        assertThat(m.extras()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("peak_holders");
            assertThat(e.value()).isEqualTo(1_000.0);
        });
    }

    @Test
    void semaphoreWithFewerTasksThanPermitsLetsAllIn() throws Exception {
        assertThat(Workload.SEMAPHORE.pass(300).extras()).singleElement()
                .satisfies(e -> assertThat(e.value()).isEqualTo(300.0));
    }

    @Test
    void lockRoundsDownToWholeTasksAndKeepsTheCount() throws Exception {
        assertThat(Workload.LOCK.pass(1_050).n()).isEqualTo(1_000);
    }

    @Test
    void timeoutsRunOneScopePerIteration() throws Exception {
        assertThat(Workload.TIMEOUTS.pass(1_000).n()).isEqualTo(1_000);
    }

    @Test
    void executorRoundsDownToWholeBatches() throws Exception {
        Measured m = Workload.EXECUTOR.pass(250);
        assertThat(m.n()).isEqualTo(200);
        assertThat(m.extras()).extracting(Measured.Extra::key).containsExactly("executor_workers");
    }

    @Test
    void echoRoundsDownToWholeClientsAndChecksReplies() throws Exception {
        Measured m = Workload.ECHO.pass(1_030);
        assertThat(m.n()).isEqualTo(1_000);
        assertThat(m.extras()).extracting(Measured.Extra::key).containsExactly("clients");
    }

    @Test
    void namesAreThePeers() {
        assertThat(Workload.labels()).containsExactly(
                "switch", "spawn", "pingpong", "sleepers", "semaphore", "lock", "timeouts", "executor", "echo");
        assertThat(Workload.of("spawn")).isEqualTo(Workload.SPAWN);
        assertThatThrownBy(() -> Workload.of("pong")).hasMessageContaining("unknown workload 'pong'");
    }

    @Test
    void jsonLineStartsWithThePeersFieldsInOrder() {
        Measured m = new Measured(1_000, 0.5, 0.25, 0.01, 0.002, List.of()).with("overhead_s", 0.0, 6);
        String line = m.toJson("sleepers", 60.04, 45.0);
        assertThat(line).startsWith("{\"system\": \"asyncio4j\", \"workload\": \"sleepers\", \"n\": 1000,"
                + " \"seconds\": 0.500000, \"ops_per_s\": 2000.0, \"peak_rss_mb\": 60.0, \"overhead_s\": 0.000000,"
                + " \"baseline_rss_mb\": 45.0, \"cpu_s\": 0.250, \"foreign_cpu_s\": 0.01, \"gc_pause_s\": 0.002, \"version\": ");
        Map<String, String> fields = Summary.parse(line);
        assertThat(fields).containsEntry("system", "asyncio4j").containsEntry("ops_per_s", "2000.0");
    }
}
