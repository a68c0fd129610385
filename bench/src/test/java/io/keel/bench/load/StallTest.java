package io.keel.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StallTest {
    @Test
    void aLagTheHiccupMeterAlsoSawWasAPauseOfTheWholeProcess() {
        Stall host = new Stall(57.3, 1234.2, 55.0, 1234.3, 40);

        assertThat(host.wholeProcess()).isTrue();
        assertThat(host.describe()).contains("largest dispatch lag 57.3 ms at second 1234",
                "the whole generator process stood still", "overran by 55.0 ms at second 1234",
                "steal time around that pause: 40 ms");
    }

    @Test
    void aLagTheMeterDidNotSeeOrSawElsewhereWasTheDispatchPath() {
        assertThat(new Stall(57.3, 1234.2, 3.0, 1234.3, 0).wholeProcess()).isFalse();
        Stall elsewhere = new Stall(57.3, 1234.2, 56.0, 90.0, Double.NaN);

        assertThat(elsewhere.wholeProcess()).isFalse();
        assertThat(elsewhere.describe()).contains("the generator's dispatch path, not the whole process",
                "longest pause: 56.0 ms at second 90", "steal time around that pause: unknown");
    }

    @Test
    void anUnmeasuredStallDescribesNothing() {
        assertThat(Stall.UNKNOWN.describe()).isEmpty();
        assertThat(Stall.UNKNOWN.wholeProcess()).isFalse();
    }
}
