package io.keel.bench.load;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateScheduleTest {
    @Test
    void spacesRequestsEvenlyAndStopsAtDurationOrCount() {
        RateSchedule s = RateSchedule.of(1000, Duration.ofSeconds(3));
        assertThat(s.count()).isEqualTo(3000);
        assertThat(s.offsetNanos(0)).isZero();
        assertThat(s.offsetNanos(1500)).isEqualTo(1_500_000_000L);
        assertThat(new RateSchedule(1000, Duration.ofSeconds(3), 10).count()).isEqualTo(10);
    }

    @Test
    void rejectsRatesAndDurationsOutsideTheirRangeNamingTheValue() {
        assertThatThrownBy(() -> RateSchedule.of(0, Duration.ofSeconds(1)))
                .isInstanceOf(BenchException.class).hasMessageContaining("rate").hasMessageContaining("0.0");
        assertThatThrownBy(() -> RateSchedule.of(10, Duration.ofHours(2)))
                .isInstanceOf(BenchException.class).hasMessageContaining("PT2H");
        assertThatThrownBy(() -> new RateSchedule(10, Duration.ofSeconds(1), 0))
                .isInstanceOf(BenchException.class).hasMessageContaining("maxRequests");
    }

    @Test
    void requestClassNamesAreRestrictedToFileSafeCharacters() {
        assertThat(RequestClass.of("light-order").name()).isEqualTo("light-order");
        assertThatThrownBy(() -> RequestClass.of("Light Order")).isInstanceOf(BenchException.class);
        assertThatThrownBy(() -> RequestClass.of("../x")).isInstanceOf(BenchException.class);
    }
}
