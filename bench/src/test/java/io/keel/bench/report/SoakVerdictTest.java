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
        return series(f, sd, 42);
    }

    private static double[] series(DoubleUnaryOperator f, double sd, long seed) {
        Random random = new Random(seed);
        return Arrays.stream(HOURS).map(h -> f.applyAsDouble(h - HOURS[0]) + sd * random.nextGaussian()).toArray();
    }

    private static double[] constant(double v) {
        double[] c = new double[HOURS.length];
        Arrays.fill(c, v);
        return c;
    }

    private static SoakVerdict judge(Role role, double[] values, double ceiling) {
        return SoakVerdict.judge(role, HOURS, values, constant(ceiling), SoakVerdict.Limits.MEMORY_MB);
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
        // the JIT's pattern: fast growth that decays (in three minutes), 75 MB of a 240 MB ceiling
        SoakVerdict v = judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.05)), 0.05), 240);

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
    void aCappedSeriesIsJudgedByItsLevelNotItsSlope() {
        // RSS as G1 first touches its committed heap: steady, no slowing down, far below the planned budget
        SoakVerdict under = judge(Role.CAPPED, series(h -> 600 + 12 * h, 0.5), 1040);
        assertThat(under.verdict()).isEqualTo(Verdict.UNDER_CEILING);
        assertThat(under.passes()).isTrue();
        assertThat(under.ceilingText("MB")).contains(" of 1040.00 MB; reached in ");
        assertThat(judge(Role.POOL, series(h -> 600 + 12 * h, 0.5), 1040).verdict())
                .as("as a pool it trends: it does not slow down").isEqualTo(Verdict.TRENDS);

        SoakVerdict flatAbove = judge(Role.CAPPED, series(h -> 1100, 0.5), 1040);
        assertThat(flatAbove.verdict()).as("above its ceiling, however flat").isEqualTo(Verdict.OVER_CEILING);
        assertThat(flatAbove.passes()).isFalse();
        assertThat(judge(Role.CAPPED, series(h -> 1020 + 100 * h, 0.5), 1040).passes())
                .as("crossing its ceiling during the window").isFalse();
        assertThat(judge(Role.CAPPED, series(h -> 600 + 12 * h, 0.5), Double.NaN).verdict())
                .as("no ceiling read: judged as a leak series").isEqualTo(Verdict.TRENDS);
        assertThat(judge(Role.CAPPED, series(h -> 15.7, 0.01), 16.78).verdict()).isEqualTo(Verdict.FLAT);
    }

    @Test
    void aCappedSeriesIsHeldToEachSamplesOwnCeilingAndOneSampleAboveItIsTolerated() {
        // H2's non-resident entries: bounded by 12x the resident entries of the same moment, which grow
        double[] ceilings = series(h -> 12 * (4000 + 4000 * h), 0);
        double[] within = series(h -> 0.9 * 12 * (4000 + 4000 * h), 0);
        assertThat(within[within.length - 1]).as("later values pass the first ceiling").isGreaterThan(ceilings[0]);
        assertThat(SoakVerdict.judge(Role.CAPPED, HOURS, within, ceilings, SoakVerdict.Limits.COUNT).verdict())
                .isEqualTo(Verdict.UNDER_CEILING);
        assertThat(SoakVerdict.judge(Role.CAPPED, HOURS, within, ceilings, SoakVerdict.Limits.COUNT).ceiling())
                .as("the bound of the last moment").isEqualTo(ceilings[ceilings.length - 1]);

        double[] once = within.clone();
        once[150] = ceilings[150] + 1; // the owner trims at its next eviction
        assertThat(SoakVerdict.judge(Role.CAPPED, HOURS, once, ceilings, SoakVerdict.Limits.COUNT).passes()).isTrue();
        double[] twice = once.clone();
        twice[151] = ceilings[151] + 1;
        assertThat(SoakVerdict.judge(Role.CAPPED, HOURS, twice, ceilings, SoakVerdict.Limits.COUNT).verdict())
                .isEqualTo(Verdict.OVER_CEILING);

        // a bound that was not read with its sample: held to the last one read before it
        double[] gaps = ceilings.clone();
        for (int i = 100; i < 200; i++) {
            gaps[i] = Double.NaN;
        }
        double[] overInGap = within.clone();
        overInGap[120] = ceilings[99] + 1;
        overInGap[121] = ceilings[99] + 1;
        assertThat(SoakVerdict.judge(Role.CAPPED, HOURS, overInGap, gaps, SoakVerdict.Limits.COUNT).verdict())
                .isEqualTo(Verdict.OVER_CEILING);
    }

    @Test
    void aLastBlockOfOneSampleDoesNotSetTheLeastValuesLine() {
        // 25 full minutes of 38 threads with visitors, then one sample at the end of the window with two more
        double[] hours = IntStream.rangeClosed(0, 300).mapToDouble(i -> (300 + i * 5) / 3600.0).toArray();
        double[] threads = Arrays.stream(hours).map(h -> 38).toArray();
        for (int i = 5; i < 300; i += 12) {
            threads[i] = 39;
        }
        threads[300] = 40;
        assertThat(SoakVerdict.blocks(hours, threads, SoakVerdict.Summary.LEAST)[1]).hasSize(25).containsOnly(38);
        assertThat(SoakVerdict.judge(Role.LEAK, hours, threads, new double[hours.length], SoakVerdict.Limits.COUNT,
                SoakVerdict.Summary.LEAST).verdict()).isEqualTo(Verdict.FLAT);
    }

    @Test
    void aCountJudgedByEachMinutesLeastIgnoresVisitorsButNotALeak() {
        // 38 threads, and late in the window a pool's thread that lives for a sample or two, more often near the end
        double[] visitors = Arrays.stream(HOURS).map(h -> 38).toArray();
        for (int i = 150; i < HOURS.length; i += 12 - i / 30) {
            visitors[i] = 40;
        }
        SoakVerdict byMean = SoakVerdict.judge(Role.LEAK, HOURS, visitors, constant(Double.NaN),
                SoakVerdict.Limits.COUNT);
        SoakVerdict byLeast = SoakVerdict.judge(Role.LEAK, HOURS, visitors, constant(Double.NaN),
                SoakVerdict.Limits.COUNT, SoakVerdict.Summary.LEAST);
        assertThat(byMean.verdict()).as("the means rise with the visits").isEqualTo(Verdict.TRENDS);
        assertThat(byLeast.verdict()).isEqualTo(Verdict.FLAT);

        // a thread that starts every five minutes and never ends
        double[] leak = Arrays.stream(HOURS).map(h -> 38 + Math.floor((h - HOURS[0]) * 12)).toArray();
        for (int i = 0; i < leak.length; i += 7) {
            leak[i] += 2; // with visitors on top
        }
        assertThat(SoakVerdict.judge(Role.LEAK, HOURS, leak, constant(Double.NaN), SoakVerdict.Limits.COUNT,
                SoakVerdict.Summary.LEAST).verdict()).isEqualTo(Verdict.TRENDS);
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
    void aPoolStillGrowingFastEnoughToReachItsCeilingWithinTheHorizonTrendsThoughItSlowsDown() {
        // decaying in six minutes: the second half still grows about 1.8 MB/h, 163 MB of headroom last 4 days
        SoakVerdict v = judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.1)), 0.05), 240);

        assertThat(v.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.1)), 0.05), 10_000).verdict())
                .as("the same growth 10 GB from its ceiling is bounded within the horizon").isEqualTo(Verdict.BOUNDED);
    }

    @Test
    void aSteadyLeakWithNoiseInAPoolTrendsWhateverTheSeed() {
        // 4 MB/h with 2 MB noise: the old rule found the second half "flat" within its wider noise in 141 of 200 seeds
        long bounded = 0;
        long trends = 0;
        for (long seed = 0; seed < 200; seed++) {
            Verdict v = judge(Role.POOL, series(h -> 90 + 4 * h, 2, seed), 512).verdict();
            bounded += v == Verdict.BOUNDED ? 1 : 0;
            trends += v == Verdict.TRENDS ? 1 : 0;
        }

        assertThat(bounded).isZero();
        assertThat(trends).as("a few seeds fit a slope within the noise: the soak's limit of detection")
                .isGreaterThanOrEqualTo(190);
    }

    @Test
    void aPoolThatLeaksInStepsTrendsHoweverFarItsCeiling() {
        // a leak that takes 3 MB at a time every 5 minutes, no noise between the steps: flat between steps, but the
        // second half grows as much as the first, so it does not slow down; 100 GB of headroom would outlast the
        // horizon at any rate it shows, so only the slowing-down test stops it
        SoakVerdict v = judge(Role.POOL, series(h -> 90 + 3 * Math.floor(h * 12 + 0.5), 0.01), 100_000);

        assertThat(v.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(v.passes()).isFalse();
    }

    @Test
    void aSeriesTooNoisyToSeeTheSmallestLeakIsInconclusiveAndFails() {
        SoakVerdict v = judge(Role.LEAK, series(h -> 25, 30), Double.NaN);

        assertThat(2 * v.fit().slopeError()).isGreaterThan(SoakVerdict.DETECTABLE_MB_PER_HOUR);
        assertThat(v.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(v.passes()).isFalse();
        assertThat(v.label()).isEqualTo("INCONCLUSIVE");
    }

    @Test
    void aPoolWithFewerThanSixPointsIsNotShownToConverge() {
        double[] hours = {0.1, 0.15, 0.2, 0.35, 0.4};
        double[] values = {80, 88, 92, 92.2, 92.25};
        double[] ceiling = {512, 512, 512, 512, 512};

        assertThat(SoakVerdict.judge(Role.POOL, hours, values, ceiling, SoakVerdict.Limits.MEMORY_MB).verdict())
                .isEqualTo(Verdict.TRENDS);
    }

    @Test
    void fiveSecondSamplesAreFittedAsOneMinuteMeansSoTheirCorrelatedNoiseDoesNotLookLikeATrend() {
        // no leak, noise correlated over about 30 s (a heap between collections): each sample is 0.85 of the one
        // before plus fresh noise; a line through the raw samples claims a third of its real standard error
        long flat = 0;
        for (long seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            double[] noise = new double[HOURS.length];
            for (int i = 1; i < noise.length; i++) {
                noise[i] = 0.85 * noise[i - 1] + 0.53 * random.nextGaussian();
            }
            double[] heap = Arrays.stream(noise).map(n -> 25 + n).toArray();
            flat += judge(Role.LEAK, heap, Double.NaN).verdict() == Verdict.FLAT ? 1 : 0;
        }
        double[][] means = SoakVerdict.blocks(HOURS, series(h -> 25, 0), SoakVerdict.Summary.MEAN);

        assertThat(means[0]).as("25 minutes of 5-second samples").hasSize(25);
        assertThat(SoakVerdict.blocks(new double[] {0, 1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4, 9e-4, 1e-3},
                new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, SoakVerdict.Summary.MEAN)[0]).as("a window under ten minutes: tenths of it")
                .hasSize(11);
        assertThat(means[1]).containsOnly(25.0);
        assertThat(flat).as("about 95 in 100 within two honest standard errors").isGreaterThanOrEqualTo(85);
    }

    @Test
    void aPoolAboveItsCeilingTrends() {
        assertThat(judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.05)), 0.05), 76).verdict())
                .isEqualTo(Verdict.TRENDS);
    }

    @Test
    void aPoolWithoutACeilingIsJudgedAsALeakSeries() {
        SoakVerdict v = judge(Role.POOL, series(h -> 75 + 3 * (1 - Math.exp(-h / 0.1)), 0.05), Double.NaN);

        assertThat(v.verdict()).isEqualTo(Verdict.TRENDS);
        assertThat(v.ceilingText("MB")).isEqualTo("no ceiling known (judged as a leak series)");
        assertThat(SoakVerdict.judge(Role.POOL, HOURS, series(h -> 75, 0.05), constant(-1), SoakVerdict.Limits.MEMORY_MB)
                .ceiling())
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
                "two standard errors of their difference", "averaged per minute", "INCONCLUSIVE", "7 days",
                "at most 5 MB/h (2 per hour", "soak-verdict").doesNotContain("same slope in both halves");
    }
}
