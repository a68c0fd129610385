package io.keel.bench.scenario;

import io.keel.bench.load.LoadLimits;
import io.keel.bench.sample.SoakSampler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SoakBoundsTest {
    @Test
    void aThirtyMinuteSoakIsNotCutAtTheTenMinutePhaseCap() {
        LoadLimits limits = Soak.limits(LoadLimits.DEFAULTS, Duration.ofMinutes(30));

        assertThat(LoadLimits.DEFAULTS.maxPhaseDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(limits.maxPhaseDuration()).isEqualTo(Duration.ofMinutes(31));
        assertThat(limits.requestTimeout()).isEqualTo(LoadLimits.DEFAULTS.requestTimeout());
        assertThat(limits.maxInFlight()).isEqualTo(LoadLimits.DEFAULTS.maxInFlight());
    }

    @Test
    void aShortSoakKeepsTheDefaultCap() {
        assertThat(Soak.limits(LoadLimits.DEFAULTS, Duration.ofSeconds(8))).isEqualTo(LoadLimits.DEFAULTS);
    }

    @Test
    void theWarmUpLeftOutOfTheFitIsASixthOfTheSoakAtMostFiveMinutes() {
        assertThat(Soak.settle(Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(5));
        assertThat(Soak.settle(Duration.ofMinutes(60))).isEqualTo(Duration.ofMinutes(5));
        assertThat(Soak.settle(Duration.ofMinutes(12))).isEqualTo(Duration.ofMinutes(2));
        assertThat(Soak.settle(Duration.ofSeconds(6))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theFitStartsAtTheFirstSettledSampleOrAtTheFirstWhenFewerThanThreeAreSettled() {
        List<SoakSampler.Sample> samples = IntStream.range(0, 10)
                .mapToObj(i -> new SoakSampler.Sample(i * 10.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).toList();

        assertThat(Soak.firstFitted(samples, 0)).isZero();
        assertThat(Soak.firstFitted(samples, 25)).isEqualTo(3);
        assertThat(Soak.firstFitted(samples, 70)).as("exactly three left").isEqualTo(7);
        assertThat(Soak.firstFitted(samples, 75)).as("two left: fit them all").isZero();
        assertThat(Soak.firstFitted(List.of(), 10)).isZero();
    }
}
