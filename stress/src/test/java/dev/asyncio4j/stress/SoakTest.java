package dev.asyncio4j.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SoakTest {

    /** The build's smoke of the soak: 30 seconds of the mixed workload under -Xmx128m, no growth trend. */
    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void thirtySecondsOfMixedWorkloadShowNoGrowthTrend() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Soak.Result r = Soak.run(Duration.ofSeconds(30), Duration.ofSeconds(10), new PrintStream(text, true, StandardCharsets.UTF_8));
        String report = text.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(r.verdict()).as(report).isNull();
        assertThat(r.operations()).isPositive();
        assertThat(r.heapSamples()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(report.lines().filter(l -> l.matches("\\s*\\d+s .*"))).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aSteadilyGrowingHeapIsJudgedALeak() {
        List<Long> heap = new ArrayList<>();
        Random random = new Random(1);
        for (int s = 0; s < 60; s++) {
            heap.add((40L << 20) + s * (512L << 10) + random.nextInt(1 << 20)); // +512 KiB/s, 1 MiB noise
        }
        assertThat(Soak.verdict(heap, Collections.nCopies(60, 20))).startsWith("heap after GC grows");
    }

    @Test
    void aNoisyButFlatHeapIsNotALeak() {
        List<Long> heap = new ArrayList<>();
        Random random = new Random(2);
        for (int s = 0; s < 60; s++) {
            heap.add((40L << 20) + random.nextInt(4 << 20)); // 4 MiB of noise, no trend
        }
        heap.set(59, 60L << 20); // one outlier at the end
        assertThat(Soak.verdict(heap, Collections.nCopies(60, 20))).isNull();
    }

    @Test
    void aGrowingThreadCountIsJudgedALeak() {
        List<Integer> threads = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            threads.add(20 + s);
        }
        assertThat(Soak.verdict(Collections.nCopies(60, 40L << 20), threads)).startsWith("live threads grew");
    }
}
