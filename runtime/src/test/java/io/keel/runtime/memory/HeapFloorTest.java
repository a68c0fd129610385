package io.keel.runtime.memory;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HeapFloorTest {
    private static final long MIB = 1L << 20;

    @Test
    void aSawtoothAroundAFlatFloorIsNoLeak() {
        HeapFloor floor = new HeapFloor(Duration.ofMinutes(10), 64 * MIB);
        for (long s = 0; s < 600; s += 5) {
            floor.record(s * 1000, (100 + (s % 60)) * MIB); // rises for a minute, drops back at each full cycle
        }
        assertThat(floor.slopePerSecond(600_000)).isCloseTo(0, within(1024.0));
        assertThat(floor.leakSuspected(600_000)).isFalse();
    }

    @Test
    void aFloorGrowingFasterThanTheThresholdIsASuspectedLeak() {
        HeapFloor floor = new HeapFloor(Duration.ofMinutes(10), 64 * MIB);
        for (long s = 0; s < 600; s += 5) {
            // 2 MiB per minute under the sawtooth = 120 MiB per hour
            floor.record(s * 1000, (100 * MIB + s * 2 * MIB / 60) + (s % 60) * MIB);
        }
        assertThat(floor.slopePerSecond(600_000)).isCloseTo(2.0 * MIB / 60, within(0.1 * MIB / 60));
        assertThat(floor.leakSuspected(600_000)).isTrue();
    }

    @Test
    void growthBelowTheThresholdIsNotSuspected() {
        HeapFloor floor = new HeapFloor(Duration.ofMinutes(10), 64 * MIB);
        for (long s = 0; s < 600; s += 5) {
            floor.record(s * 1000, 100 * MIB + s * MIB / 60); // 60 MiB per hour
        }
        assertThat(floor.slopePerSecond(600_000)).isPositive();
        assertThat(floor.leakSuspected(600_000)).isFalse();
    }

    @Test
    void noVerdictUntilTheFloorsSpanHalfTheWindow() {
        HeapFloor floor = new HeapFloor(Duration.ofMinutes(10), MIB);
        for (long s = 0; s < 240; s += 5) {
            floor.record(s * 1000, 100 * MIB + s * 10 * MIB);
        }
        assertThat(floor.slopePerSecond(240_000)).isNaN();
        assertThat(floor.leakSuspected(240_000)).isFalse();
    }

    @Test
    void oldGrowthLeavesTheWindowAndNoGcsMeansNoVerdict() {
        HeapFloor floor = new HeapFloor(Duration.ofMinutes(10), 64 * MIB);
        for (long s = 0; s < 600; s += 5) {
            floor.record(s * 1000, 100 * MIB + s * 10 * MIB);
        }
        assertThat(floor.leakSuspected(600_000)).isTrue();
        for (long s = 600; s < 1200; s += 5) {
            floor.record(s * 1000, 200 * MIB); // the leak stopped; the floor stays flat
        }
        assertThat(floor.leakSuspected(1_200_000)).isFalse();
        assertThat(floor.slopePerSecond(2_400_000)).as("no collection for a whole window").isNaN();
    }
}
