package io.keel.bench.load;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidityTest {
    private static ClassResult light(long completed, long overflow) {
        return new ClassResult("light-order", completed, completed, overflow == 0 ? Map.of()
                : Map.of("client-overflow", overflow), Map.of("200", completed), LatencySummary.EMPTY,
                LatencySummary.EMPTY, 0, List.of());
    }

    private static PhaseResult phase(double maxLag, double p99Lag, long completed, long overflow) {
        return new PhaseResult("light", "open-loop", 30, maxLag, p99Lag, List.of(light(completed, overflow)),
                Validity.UNCHECKED);
    }

    @Test
    void aPhaseWithinTheThresholdsIsValid() {
        PhaseResult p = phase(8, 1.5, 30_000, 0).checked(Validity.Rules.DEFAULTS);
        assertThat(p.valid()).isTrue();
        assertThat(p.validity().checked()).isTrue();
    }

    @Test
    void anOverloadedGeneratorIsFlaggedByLagOrByRequestsNeverSent() {
        // dev-light as published before: 107 ms lag and 45% of the requests never sent.
        assertThat(Validity.check(phase(107, 40, 213_474, 176_163), Validity.Rules.DEFAULTS).reasons())
                .hasSize(3).anyMatch(r -> r.startsWith("p99 dispatch lag 40.0 ms"))
                .anyMatch(r -> r.startsWith("max dispatch lag 107.0 ms"))
                .anyMatch(r -> r.startsWith("45.21% of scheduled requests never sent"));
        // The protected storm as published before: 59 ms of lag, nothing dropped.
        assertThat(Validity.check(phase(59, 5, 54_000, 0), Validity.Rules.DEFAULTS).valid()).isFalse();
        assertThat(Validity.check(phase(5, 2, 1_000, 1), Validity.Rules.DEFAULTS).valid()).isTrue();
        assertThat(Validity.check(phase(5, 2, 1_000, 2), Validity.Rules.DEFAULTS).valid()).isFalse();
    }

    @Test
    void anUnknownP99LagOfAnOldReportIsJudgedByTheMaximumAlone() {
        assertThat(Validity.reasons(30, Double.NaN, 0, Validity.Rules.DEFAULTS)).isEmpty();
        assertThat(Validity.reasons(60, Double.NaN, 0, Validity.Rules.DEFAULTS)).hasSize(1);
    }

    @Test
    void aPhaseJudgedOnMemoryAllowsOneStallUpToASecondButNotALateOrUndeliveredMix() {
        Validity.Rules memory = Validity.Rules.DEFAULTS.forMemoryPhase();
        // session 9's soak run 5: one 57.3 ms stall in 30 minutes, p99 lag 0.95 ms
        assertThat(Validity.check(phase(57.3, 0.95, 195_310, 0), Validity.Rules.DEFAULTS).valid()).isFalse();
        assertThat(Validity.check(phase(57.3, 0.95, 195_310, 0), memory).valid()).isTrue();
        assertThat(Validity.check(phase(1_200, 0.95, 195_310, 0), memory).reasons())
                .containsExactly("max dispatch lag 1200.0 ms > 1000.0 ms: the load generator stalled");
        assertThat(Validity.check(phase(20, 12, 195_310, 0), memory).valid()).isFalse();
        assertThat(Validity.check(phase(20, 1, 195_310, 1_000), memory).valid()).isFalse();
        // an operator's looser limit stays looser
        assertThat(new Validity.Rules(10, 2_000, 0.001).forMemoryPhase().maxDispatchLagMs()).isEqualTo(2_000);
    }

    @Test
    void onlyTheSoaksPhasesAreJudgedOnMemory() {
        assertThat(Validity.Rules.DEFAULTS.forScenario("soak")).isEqualTo(Validity.Rules.DEFAULTS.forMemoryPhase());
        assertThat(Validity.Rules.DEFAULTS.forScenario("prod-mix")).isEqualTo(Validity.Rules.DEFAULTS);
    }

    @Test
    void thresholdsAreValidated() {
        assertThatThrownBy(() -> new Validity.Rules(0, 50, 0.001)).isInstanceOf(BenchException.class);
        assertThatThrownBy(() -> new Validity.Rules(10, 50, 2)).isInstanceOf(BenchException.class);
    }
}
