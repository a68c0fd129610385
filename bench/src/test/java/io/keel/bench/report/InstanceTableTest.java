package io.keel.bench.report;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceTableTest {
    @Test
    void figuresOfEachInstanceCountBecomeAColumnWithItsRatioToTheFirst() {
        String md = InstanceTable.render(Map.of(
                InstanceTable.key(1, "peak-ok-per-sec"), 1000.0,
                InstanceTable.key(2, "peak-ok-per-sec"), 900.0,
                InstanceTable.key(1, "store-cpu-us-per-request"), 200.0,
                InstanceTable.key(2, "store-cpu-us-per-request"), 250.0,
                InstanceTable.key(2, "light-p99-ms"), Double.NaN,
                InstanceTable.key(2, "instance-2-cpu-percent"), 40.0));

        assertThat(md).startsWith("| figure | 1 instance | 2 instances | 2 ÷ 1 |\n|---|---:|---:|---:|\n");
        assertThat(md).contains("| closed-loop peak `GET /api/orders/{id}` through HAProxy | 1000 req/s | 900 req/s "
                + "| 0.90 |");
        assertThat(md).contains("| store CPU per ok light request, all instances together | 200 µs | 250 µs | 1.25 |");
        assertThat(md).as("a figure not measured, or from an invalid phase, is n/a")
                .contains("| `GET /api/orders/{id}` p99 in the light mix | n/a ms | n/a ms | n/a |");
        assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).isEqualTo(1 + InstanceTable.ROWS.size());
    }

    @Test
    void aReportWithoutInstanceFiguresHasNoTable() {
        assertThat(InstanceTable.render(Map.of("light-rate-per-sec", 500.0))).isEmpty();
    }
}
