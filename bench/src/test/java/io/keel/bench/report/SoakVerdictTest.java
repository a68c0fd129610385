package io.keel.bench.report;

import io.keel.bench.report.SoakVerdict.Role;
import io.keel.bench.report.SoakVerdict.Verdict;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class SoakVerdictTest {
    /** 25 minutes sampled every 5 s, in hours, as a 30-minute soak fits after its settle. */
    private static final double[] HOURS = IntStream.range(0, 300).mapToDouble(i -> (300 + i * 5) / 3600.0).toArray();

    /** {@code f(hours since the window began)} plus noise of standard deviation {@code sd}. */
    private static double[] series(DoubleUnaryOperator f, double sd) {
        Random random = new Random(42);
        return Arrays.stream(HOURS).map(h -> f.applyAsDouble(h - HOURS[0]) + sd * random.nextGaussian()).toArray();
    }

    private static double[] constant(double v) {
        double[] c = new double[HOURS.length];
        Arrays.fill(c, v);
        return c;
    }

    private static SoakVerdict judge(Role role, double[] values, double ceiling) {
        return SoakVerdict.judge(role, HOURS, values, constant(ceiling), SoakVerdict.FLAT_MB_PER_HOUR);
    }

    @Test
    void aLeakSeriesWithinItsNoiseIsFlatAndOneThatGrowsTrends() {
        assertThat(judge(Role.LEAK, series(h -> 25, 0.3), Double.NaN).verdict()).isEqualTo(Verdict.FLAT);
        SoakVerdict growing = judge(Role.LEAK, series(h -> 25 + 4 * h, 0.3), Double.NaN);

        assertThat(growing.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(growing.passes()).isFalse();
        assertThat(growing.fit().slope()).isCloseTo(4, offset(0.5));
    }

    @Test
    void aSlopeBelowTheFloorIsFlatHoweverSmallItsNoise() {
        assertThat(judge(Role.LEAK, series(h -> 25 + 0.8 * h, 0.001), Double.NaN).verdict())
                .isEqualTo(Verdict.FLAT);
    }

    @Test
    void aPoolFillingTowardsItsCeilingAndSlowingDownIsBounded() {
        // the JIT's pattern: fast growth that decays, 75 MB of a 240 MB ceiling
        SoakVerdict v = judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.1)), 0.05), 240);

        assertThat(v.verdict()).isEqualTo(Verdict.BOUNDED);
        assertThat(v.passes()).isTrue();
        assertThat(v.ceilingText("MB")).startsWith("77.").contains(" of 240.00 MB; reached in ");
    }

    @Test
    void aPoolThatStepsEarlyAndThenStaysIsBoundedButOneThatStepsLateTrends() {
        assertThat(judge(Role.POOL, series(h -> h < 0.1 ? 90 : 96, 0.01), 512).verdict())
                .isEqualTo(Verdict.BOUNDED);
        assertThat(judge(Role.POOL, series(h -> h < 0.35 ? 90 : 96, 0.01), 512).verdict())
                .as("the last step may not have been the last").isEqualTo(Verdict.TRENDS);
    }

    @Test
    void aFlatPoolBelowItsCeilingGivesNoTimeToReachIt() {
        SoakVerdict v = judge(Role.POOL, series(h -> 15.73 + 1e-12 * h, 0), 16.78);

        assertThat(v.verdict()).isEqualTo(Verdict.FLAT);
        assertThat(v.ceilingText("MB")).isEqualTo("15.73 of 16.78 MB");
    }

    @Test
    void aPoolGrowingSteadilyTrendsEvenFarBelowItsCeiling() {
        SoakVerdict v = judge(Role.POOL, series(h -> 90 + 16 * h, 0.5), 512);

        assertThat(v.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(v.passes()).isFalse();
    }

    @Test
    void aPoolAboveItsCeilingTrends() {
        assertThat(judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.1)), 0.05), 76).verdict())
                .isEqualTo(Verdict.TRENDS);
    }

    @Test
    void aPoolWithoutACeilingIsJudgedAsALeakSeries() {
        SoakVerdict v = judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.1)), 0.05), Double.NaN);

        assertThat(v.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(v.ceilingText("MB")).isEqualTo("no ceiling known (judged as a leak series)");
        assertThat(SoakVerdict.judge(Role.POOL, HOURS, series(h -> 75, 0.05), constant(-1), 1).ceiling())
                .as("-1, the JVM's unlimited").isNaN();
    }

    @Test
    void aShownSeriesGetsTheSlopesStateButAlwaysPasses() {
        SoakVerdict v = judge(Role.SHOWN, series(h -> 300 + 24 * h, 1), 512);

        assertThat(v.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(v.label()).isEqualTo("shown, TRENDS");
        assertThat(v.passes()).isTrue();
        assertThat(v.ceiling()).as("only a pool has a ceiling").isNaN();
        assertThat(v.ceilingText("MB")).isEmpty();
    }

    @Test
    void aSeriesThatWasNeverReadIsNotMeasured() {
        SoakVerdict v = judge(Role.LEAK, constant(Double.NaN), Double.NaN);

        assertThat(v.verdict()).isEqualTo(Verdict.NOT_MEASURED);
        assertThat(v.label()).isEqualTo("n/a (not measured)");
        assertThat(v.passes()).isFalse();
    }

    @Test
    void theRuleTextNamesTheFloorsAndTheConvergenceTest() {
        assertThat(SoakVerdict.RULE).contains("below 1 MB/h (0.5 threads", "BOUNDED", "second half",
                "two standard errors of their difference");
    }
}
