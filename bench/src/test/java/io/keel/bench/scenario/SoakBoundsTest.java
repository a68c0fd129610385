package io.keel.bench.scenario;

import io.keel.bench.load.LoadLimits;
import io.keel.bench.report.SoakVerdict;
import io.keel.bench.sample.SoakSampler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
    void theWarmUpLeftOutOfTheFitIsASixthOfTheSoakAtMostFiveMinutesUnlessSettleIsGiven() {
        assertThat(Soak.settle(Duration.ofMinutes(30), Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Soak.settle(Duration.ofMinutes(60), Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Soak.settle(Duration.ofMinutes(12), Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Soak.settle(Duration.ofSeconds(6), Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Soak.settle(Duration.ofMinutes(30), Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theFitStartsAtTheFirstSettledSampleOrAtTheFirstWhenFewerThanThreeAreSettled() {
        List<SoakSampler.Sample> samples = IntStream.range(0, 10).mapToObj(i -> sample(i * 10.0)).toList();

        assertThat(Soak.firstFitted(samples, 0)).isZero();
        assertThat(Soak.firstFitted(samples, 25)).isEqualTo(3);
        assertThat(Soak.firstFitted(samples, 70)).as("exactly three left").isEqualTo(7);
        assertThat(Soak.firstFitted(samples, 75)).as("two left: fit them all").isZero();
        assertThat(Soak.firstFitted(List.of(), 10)).isZero();
    }

    @Test
    void leakSeriesComeFirstAndEveryPoolCarriesItsCeiling() {
        List<Soak.Series> series = Soak.series(List.of(sample(0), sample(5), sample(10)));

        assertThat(series.getFirst().name()).isEqualTo("live heap outside H2's page cache");
        assertThat(series).filteredOn(s -> s.role() == SoakVerdict.Role.LEAK).extracting(Soak.Series::name)
                .containsExactly("live heap outside H2's page cache", "RSS outside the heap and JIT", "threads",
                        "open files outside HTTP connections", "sockets in CLOSE_WAIT", "DB connections busy");
        assertThat(series).filteredOn(s -> s.role() == SoakVerdict.Role.POOL).extracting(Soak.Series::name)
                .containsExactly("code cache", "metaspace", "session cache", "sign-in failure caches");
        assertThat(series).filteredOn(s -> s.role() == SoakVerdict.Role.CAPPED).extracting(Soak.Series::name)
                .containsExactly("RSS", "H2 page cache", "H2 entries for evicted pages");
        Soak.Series live = series.getFirst();
        assertThat(live.values()).as("25 MB live heap - 12 MB of H2's page cache - 20,000 entries of 90 bytes")
                .containsExactly(new double[] {11.2, 11.2, 11.2}, within(1e-9));
        Soak.Series entries = series.stream().filter(s -> s.name().equals("H2 entries for evicted pages"))
                .findFirst().orElseThrow();
        assertThat(entries.values()).containsExactly(20_000, 20_000, 20_000);
        assertThat(entries.ceilings()).as("H2's bound of the moment").containsExactly(48_000, 48_000, 48_000);
        Soak.Series rss = series.stream().filter(s -> s.name().equals("RSS")).findFirst().orElseThrow();
        assertThat(rss.ceilings()).as("the planned budget").containsExactly(1000, 1000, 1000);
        Soak.Series resident = series.stream().filter(s -> s.name().equals("heap resident")).findFirst()
                .orElseThrow();
        assertThat(resident.values()).containsExactly(80, 80, 80);
        assertThat(resident.ceilings()).as("-Xmx").containsExactly(512, 512, 512);
        Soak.Series h2 = series.stream().filter(s -> s.name().equals("H2 page cache")).findFirst().orElseThrow();
        assertThat(h2.values()).containsExactly(12, 12, 12);
        assertThat(h2.ceilings()).containsExactly(16, 16, 16);
        Soak.Series files = series.stream().filter(s -> s.name().equals("open files outside HTTP connections"))
                .findFirst().orElseThrow();
        assertThat(files.values()).as("130 descriptors, 33 of them established HTTP connections")
                .containsExactly(97, 97, 97);
        Soak.Series outside = series.stream().filter(s -> s.name().equals("RSS outside the heap and JIT"))
                .findFirst().orElseThrow();
        assertThat(outside.values()).as("300 MB RSS - 80 heap resident - 20 code cache - 55 metaspace")
                .containsExactly(145, 145, 145);
        assertThat(outside.summary()).as("malloc's trim every 30 s: each minute's floor, not its sawtooth's mean")
                .isEqualTo(SoakVerdict.Summary.LEAST);
        assertThat(series).filteredOn(s -> s.role() == SoakVerdict.Role.SHOWN).extracting(Soak.Series::name)
                .contains("heap resident", "live heap", "heap committed", "open files", "HTTP connections",
                        "RSS of mapped files");
        assertThat(series.stream().filter(s -> s.name().equals("RSS of mapped files")).findFirst().orElseThrow()
                .values()).containsExactly(30, 30, 30);
    }

    @Test
    void aHeadlineSaysHowItsSeriesIsJudgedAndHowFarItsCeilingIs() {
        double[] hours = {0, 0.1, 0.2, 0.3};
        Soak.Series pool = new Soak.Series("H2 page cache", "MB", new double[] {16, 16, 16, 16},
                new double[] {16, 16, 16, 16}, SoakVerdict.Limits.MEMORY_MB, SoakVerdict.Role.POOL, "embedded H2's pages",
                true);

        assertThat(Soak.headlineText(pool, pool.judge(hours, 0))).startsWith("FLAT (pool: embedded H2's pages; "
                + "16.00 of 16.00 MB): |ratio| <= 1 = within noise");
    }

    @Test
    void anOptionalCacheThatIsAbsentIsSkippedNotFailedButARequiredOneFails() {
        double[] hours = {0, 0.1, 0.2, 0.3};
        double[] none = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        SoakVerdict off = new Soak.Series("session cache", "entries", none, none, SoakVerdict.Limits.COUNT,
                SoakVerdict.Role.POOL, "off", true).judge(hours, 0);
        SoakVerdict missing = new Soak.Series("sign-in failure caches", "entries", none, none,
                SoakVerdict.Limits.COUNT, SoakVerdict.Role.POOL, "always on", false).judge(hours, 0);

        assertThat(off.verdict()).isEqualTo(SoakVerdict.Verdict.ABSENT);
        assertThat(off.passes()).isTrue();
        assertThat(off.label()).isEqualTo("n/a (absent: skipped)");
        assertThat(off.ceilingText("entries")).as("no ceiling to show for an absent cache").isEmpty();
        assertThat(missing.passes()).isFalse();
        assertThat(Soak.series(List.of(sample(0))).stream().filter(Soak.Series::optional).map(Soak.Series::name))
                .containsExactly("H2 page cache", "H2 entries for evicted pages", "session cache",
                        "sign-in failure caches");
    }

    @Test
    void theOverallVerdictPassesOnlyWithNoFailingSeriesAndNoFailedRequest() {
        assertThat(Soak.passes(List.of(), 0, true)).isTrue();
        assertThat(Soak.passes(List.of("threads TRENDS"), 0, true)).isFalse();
        assertThat(Soak.passes(List.of(), 1, true)).isFalse();
        assertThat(Soak.passes(List.of(), 0, false)).isFalse();
        assertThat(Soak.verdictText(List.of(), 0, true)).startsWith("PASS");
        assertThat(Soak.verdictText(List.of("threads TRENDS"), 2, true))
                .startsWith("FAIL (threads TRENDS; 2 failed requests)");
    }

    /**
     * A sample at {@code second}: RSS 300 MB of a 1000 MB budget, 80 MB of the heap resident, 130 descriptors, 33
     * HTTP connections, H2's cache 12 of 16 MB.
     */
    static SoakSampler.Sample sample(double second) {
        return new SoakSampler.Sample(second, 30e6, 28e6, 300e6, 80e6, 1000e6, 38, 130, 33, 1, 25e6,
                new SoakSampler.Pool(100e6, 512e6), new SoakSampler.Pool(20e6, 240e6),
                new SoakSampler.Pool(55e6, Double.NaN), new SoakSampler.Pool(12e6, 16e6),
                new SoakSampler.Pool(3, 10_000), new SoakSampler.Pool(0, 20_000), 33, 0, 40e6,
                new SoakSampler.Pool(20_000, 48_000), 90, 30e6);
    }
}
