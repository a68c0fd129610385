package io.keel.runtime.dashboard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleWindowTest {
    private static final long SECOND = 1_000_000_000L;

    private static Sample at(long seconds) {
        return new Sample(seconds * SECOND, seconds, 0, 0, 0, 0, 0, 0, Map.of(), Histogram.EMPTY, Histogram.EMPTY);
    }

    @Test
    void theBaselineIsTheNewestSampleAtLeastTheSpanOld() {
        SampleWindow window = new SampleWindow(100, Duration.ZERO, Duration.ofSeconds(60));
        for (long t = 0; t <= 20; t += 2) {
            window.add(at(t));
        }
        assertThat(window.baseline(21 * SECOND, Duration.ofSeconds(10)).nanos()).isEqualTo(10 * SECOND);
        assertThat(window.baseline(20 * SECOND, Duration.ofSeconds(10)).nanos()).isEqualTo(10 * SECOND);
    }

    @Test
    void withoutSoOldASampleTheOldestIsTheBaseline() {
        SampleWindow window = new SampleWindow(100, Duration.ZERO, Duration.ofSeconds(60));
        window.add(at(5));
        window.add(at(6));
        assertThat(window.baseline(7 * SECOND, Duration.ofSeconds(10)).nanos()).isEqualTo(5 * SECOND);
    }

    @Test
    void samplesCloserThanTheSpacingAreNotKept() {
        SampleWindow window = new SampleWindow(100, Duration.ofMillis(500), Duration.ofSeconds(60));
        for (int i = 0; i < 100; i++) {
            window.add(new Sample(i * 100_000_000L, 0, 0, 0, 0, 0, 0, 0, Map.of(), Histogram.EMPTY, Histogram.EMPTY));
        }
        assertThat(window.size()).isEqualTo(20);
    }

    @Test
    void samplesPastTheRetentionGoExceptTheOneAnchoringTheLongestWindow() {
        SampleWindow window = new SampleWindow(1000, Duration.ZERO, Duration.ofSeconds(60));
        for (long t = 0; t <= 300; t++) {
            window.add(at(t));
        }
        assertThat(window.size()).isEqualTo(61);
        assertThat(window.baseline(300 * SECOND, Duration.ofSeconds(60)).nanos()).isEqualTo(240 * SECOND);
    }

    @Test
    void theCapacityBoundsTheWindowWhateverTheSpacing() {
        SampleWindow window = new SampleWindow(8, Duration.ZERO, Duration.ofSeconds(60));
        for (long t = 0; t < 50; t++) {
            window.add(at(t));
        }
        assertThat(window.size()).isEqualTo(8);
    }

    @Test
    void badSettingsAreRefusedWithTheValues() {
        assertThatThrownBy(() -> new SampleWindow(1, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("capacity was 1");
        assertThatThrownBy(() -> new SampleWindow(10, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SampleWindow(10, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SampleWindow(10, Duration.ZERO, Duration.ofSeconds(1))
                .baseline(0, Duration.ofSeconds(1))).hasMessageContaining("empty");
    }
}
