package io.keel.bench.load;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyRecorderTest {
    @Test
    void theLargestDispatchLagIsPlacedInThePhaseWithTheHiccupMetersReading() throws Exception {
        LatencyRecorder rec = LatencyRecorder.start("lagging", LoadLimits.DEFAULTS);
        rec.dispatchLag(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(threadNamed("bench-hiccups-lagging")).as("the first lag starts the meter").isTrue();
        Thread.sleep(1_200);
        rec.dispatchLag(TimeUnit.MILLISECONDS.toNanos(40));
        rec.dispatchLag(TimeUnit.MILLISECONDS.toNanos(10));

        PhaseResult p = rec.finish("open-loop");

        assertThat(p.maxDispatchLagMs()).isBetween(39.9, 40.1);
        assertThat(p.stall().lagMs()).isEqualTo(40.0);
        assertThat(p.stall().lagAtSecond()).isBetween(1.2, p.seconds());
        assertThat(p.stall().hiccupMs()).isGreaterThanOrEqualTo(0);
        assertThat(p.stall().describe()).startsWith("largest dispatch lag 40.0 ms at second 1");
        assertThat(threadNamed("bench-hiccups-lagging")).as("the meter stops with the phase").isFalse();
    }

    @Test
    void aPhaseWithoutDispatchLagHasNoStall() {
        LatencyRecorder rec = LatencyRecorder.start("closed", LoadLimits.DEFAULTS);
        rec.response(RequestClass.of("light"), System.nanoTime() - 1_000_000, System.nanoTime(), 200);
        assertThat(threadNamed("bench-hiccups-closed")).as("no meter without dispatch lag").isFalse();

        PhaseResult p = rec.finish("closed-loop");

        assertThat(p.stall()).isEqualTo(Stall.UNKNOWN);
        assertThat(p.stall().describe()).isEmpty();
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
