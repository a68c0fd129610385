package io.keel.bench.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreshMemoryProbeTest {
    @Test
    void aFreshPageCostsSomethingAndLessThanAMillisecond() {
        double micros = FreshMemoryProbe.microsPerPage();

        // 64 MiB is 16,384 pages: a probe that timed nothing reads 0, one that timed per call reads far above this
        assertThat(micros).isPositive().isLessThan(1000.0);
    }
}
