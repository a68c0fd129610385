package io.keel.bench.scenario;

import io.keel.bench.ServiceSource;
import io.keel.bench.ServiceUnderTest;
import io.keel.bench.report.Headline;
import io.keel.bench.report.Metric;
import io.keel.bench.sample.ProcStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Scenarios 2 and 3 in one invocation: prod-mix against the service with its protections on and off, each run on a
 * fresh service and a fresh copy of the same seeded data, in alternating order (protected first in even rounds,
 * naive first in odd ones), {@code --rounds} times. Per run: the kernel's VmHWM of the service and whether it ran out
 * of memory. Headlines: naive ÷ protected of the medians over the valid runs of each mode. Blocking.
 */
public final class NaiveComparison {
    private static final String[] MODES = {"protected", "naive"};

    private NaiveComparison() {
    }

    public static Outcome run(ServiceSource services, RunOptions options, PrintStream log) {
        Combined combined = new Combined();
        List<Headline> headlines = new ArrayList<>();
        double rate = options.rate();
        List<List<Run>> runs = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < options.rounds(); round++) {
            for (int k = 0; k < 2; k++) {
                int mode = round % 2 == 0 ? k : 1 - k;
                String label = MODES[mode] + (options.rounds() > 1 ? "-r" + (round + 1) : "");
                log.println("== prod-mix, protections " + (mode == 0 ? "on" : "off") + ", round " + (round + 1)
                        + " ==");
                try (ServiceUnderTest service = services.start(label, mode == 0)) {
                    ScenarioContext ctx = new ScenarioContext(service, options, log);
                    if (!services.launches() && mode == 1) {
                        ctx.note("naive run used the same --url service: it is only a naive baseline if that "
                                + "service runs with protections off, which the tool cannot check");
                    }
                    ProdMix.MixResult r = ProdMix.measure(ctx, label + "-", rate);
                    rate = r.rate();
                    double hwm = service.pid().isPresent() ? ProcStatus.treePeakRssBytes(service.pid().getAsLong())
                            : Double.NaN;
                    boolean oom = ranOutOfMemory(services.outDir().resolve("service-" + label + ".log"));
                    ctx.figure(label + "-peak-rss-vmhwm-mb", hwm / 1e6);
                    ctx.figure(label + "-out-of-memory", oom ? 1 : 0);
                    if (oom) {
                        ctx.note(label + ": the service ran OUT OF MEMORY (OutOfMemoryError in its log); its peak "
                                + "RSS is capped by its heap limit and is not a memory figure");
                    }
                    boolean valid = r.phases().stream().allMatch(p -> p.valid());
                    runs.get(mode).add(new Run(r, hwm, oom, valid));
                    combined.add(ctx.collect());
                    combined.addPeaks(r.peaks());
                    combined.addPhases(r.phases());
                    headlines.addAll(r.headlines());
                }
            }
        }
        double pP99 = median(runs.get(0), r -> r.result().withStorm().latency().p99Ms());
        double nP99 = median(runs.get(1), r -> r.result().withStorm().latency().p99Ms());
        headlines.add(Headline.of("naive light-order p99 with storm (median of valid runs)", nP99, "ms",
                "protected light-order p99 with storm", pP99,
                "how much worse the same storm is without protections; higher = bigger collapse avoided"));
        double pErr = median(runs.get(0), r -> r.result().lightErrors());
        double nErr = median(runs.get(1), r -> r.result().lightErrors());
        headlines.add(Headline.of("naive light errors with storm (median)", nErr, "requests",
                "protected light errors with storm", pErr, "n/a when protected had none"));
        double pRss = median(runs.get(0), r -> r.oom() ? Double.NaN : r.hwm() / 1e6);
        double nRss = median(runs.get(1), r -> r.oom() ? Double.NaN : r.hwm() / 1e6);
        headlines.add(Headline.of("naive peak RSS (VmHWM, median, runs without OOM)", nRss, "MB",
                "protected peak RSS (VmHWM)", pRss, "memory the naive store needed for the same storm; n/a "
                        + "when it ran out of memory (see the notes: OOM)"));
        combined.metric(Metric.lower("protected light p99 with storm (median)", "ms", pP99));
        combined.metric(Metric.lower("naive light p99 with storm (median)", "ms", nP99));
        for (int m = 0; m < 2; m++) {
            long ooms = runs.get(m).stream().filter(Run::oom).count();
            combined.figure(MODES[m] + "-runs-out-of-memory", (double) ooms);
        }
        return combined.write("naive", options, headlines, options.out());
    }

    /** One run of one mode. Immutable. */
    private record Run(ProdMix.MixResult result, double hwm, boolean oom, boolean valid) {
    }

    /** Median over valid runs of a figure (NaNs skipped); NaN when none. */
    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        double[] v = runs.stream().filter(Run::valid).mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static boolean ranOutOfMemory(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return false;
            }
            try (var lines = Files.lines(log)) {
                return lines.anyMatch(l -> l.contains("OutOfMemoryError")
                        || l.toLowerCase(Locale.ROOT).contains("heap out of memory"));
            }
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
