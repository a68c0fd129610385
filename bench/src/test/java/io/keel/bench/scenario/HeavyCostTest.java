package io.keel.bench.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeavyCostTest {
    @Test
    void theFigureOfARoundIsTheMedianOfItsRounds() {
        assertThat(HeavyCost.median(new double[] {9, 1, 5})).isEqualTo(5);
        assertThat(HeavyCost.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void aRoundWithoutAnAnswerCountsAsTheMostExpensive() {
        assertThat(HeavyCost.median(new double[] {Double.NaN, 2, 3})).isEqualTo(3);
        assertThat(HeavyCost.median(new double[] {Double.NaN, Double.NaN, 3})).isNaN();
    }
}
