package io.keel.runtime.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitSettingsTest {
    @Test
    void defaultsAreValid() {
        var defaults = LimitSettings.defaults();
        assertThat(defaults.initialLimit()).isEqualTo(200);
        assertThat(defaults.heavyShare()).isEqualTo(0.5);
    }

    @Test
    void invalidValuesFailNamingTheKeyTheValueAndTheAllowedRange() {
        var d = LimitSettings.defaults();
        assertThatThrownBy(() -> d.withLimits(1, 1, 10)).hasMessage("limit-min was 1, allowed: 2..100000");
        assertThatThrownBy(() -> d.withLimits(10, 20, 15)).hasMessage("limit-max was 15, allowed: 20..100000");
        assertThatThrownBy(() -> d.withLimits(5, 10, 100)).hasMessage("limit-initial was 5, allowed: 10..100");
        assertThatThrownBy(() -> d.withHeavyShare(1.0)).hasMessage("heavy share was 1.0, allowed: (0, 1)");
        assertThatThrownBy(() -> new LimitSettings(50, 10, 100, 0, 1.5, 4, 600, 0.5))
                .hasMessage("limit.smoothing was 0.0, allowed: (0, 1]");
        assertThatThrownBy(() -> new LimitSettings(50, 10, 100, 0.2, 0.9, 4, 600, 0.5))
                .hasMessage("limit.rtt-tolerance was 0.9, allowed: 1..100");
        assertThatThrownBy(() -> new LimitSettings(50, 10, 100, 0.2, 1.5, -1, 600, 0.5))
                .hasMessage("limit.queue-size was -1, allowed: 0..1000");
        assertThatThrownBy(() -> new LimitSettings(50, 10, 100, 0.2, 1.5, 4, 5, 0.5))
                .hasMessage("limit.long-window was 5, allowed: 10..100000");
    }
}
