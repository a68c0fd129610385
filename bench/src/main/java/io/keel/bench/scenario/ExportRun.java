package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.launch.CsvCount;
import io.keel.bench.report.Headline;
import io.keel.bench.sample.ProcStatus;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One CSV export read to the end as fast as this client can, after one untimed warm-up export, with the service's
 * peak RSS (VmHWM of its process tree), and the arithmetic export-scale does over several of them. Blocking. Stateless.
 */
final class ExportRun {
    private ExportRun() {
    }

    /** Rows per second (NaN: no export) and peak RSS in bytes of one run. Immutable. */
    record Result(double rowsPerSec, double peakRssBytes) {
    }

    /**
     * One untimed export read to the end (the warm-up, its rate kept as the figure {@code <key>-cold-rows-per-sec}),
     * then the measured one. Each export runs on a freshly started service: measured on Keel, the first export of
     * 100,000 orders took 0.98 CPU-seconds, the next ones 0.12-0.42 (JIT compilation of the database and the export
     * path), so at small sizes a cold first request measured the JIT rather than the export. Every service, Keel or
     * the peer, gets the same warm-up.
     */
    static Result once(ScenarioContext ctx, String key) {
        ctx.monitor().start();
        ctx.beginPhase("warmup-" + key);
        double cold = read(ctx, key, false);
        ctx.figure(key + "-cold-rows-per-sec", cold);
        ctx.endPhase();
        ctx.beginPhase("export-" + key);
        double rate = read(ctx, key, true);
        ctx.endPhase();
        double peak = ctx.service().pid().isPresent()
                ? ProcStatus.treePeakRssBytes(ctx.service().pid().getAsLong()) : Double.NaN;
        ctx.figure(key + "-peak-rss-mb", peak / 1e6);
        return new Result(rate, peak);
    }

    /**
     * One export read to the end; rows/s, NaN when it failed (noted). {@code measured}: record the figures
     * {@code <key>-rows}, {@code -rows-per-sec} and {@code -mb-per-sec}. Needs the admin token.
     */
    static double read(ScenarioContext ctx, String key, boolean measured) {
        var req = HttpRequest.newBuilder(ctx.store().url("/api/orders/export?format=csv"))
                .header("Authorization", "Bearer " + ctx.options().adminToken().orElseThrow())
                .timeout(Duration.ofHours(2)).GET().build();
        long start = System.nanoTime();
        double rate = Double.NaN;
        String what = measured ? "export " : "warm-up export ";
        try {
            HttpResponse<InputStream> r = ctx.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                CsvCount c = CsvCount.read(in);
                double secs = (System.nanoTime() - start) / 1e9;
                if (r.statusCode() == 404) {
                    ctx.note("GET /api/orders/export answered 404: route missing, nothing measured");
                } else if (r.statusCode() != 200) {
                    ctx.note("GET /api/orders/export answered " + r.statusCode() + " (" + what + key + "): "
                            + c.firstLine());
                } else {
                    long rows = Math.max(0, c.lines() - 1);
                    rate = rows / secs;
                    if (measured) {
                        ctx.figure(key + "-rows", (double) rows);
                        ctx.figure(key + "-rows-per-sec", rate);
                        ctx.figure(key + "-mb-per-sec", c.bytes() / 1e6 / secs);
                    }
                    ctx.log().printf("%s%s: %d rows in %.1f s, %.0f rows/s%n", what, key, rows, secs, rate);
                }
            }
        } catch (IOException e) {
            ctx.note(what + key + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during the export", e);
        }
        return rate;
    }

    /** The run with the median rows/s (the lower middle one for an even count); NaN when none measured. */
    static Result medianRun(List<Result> runs) {
        List<Result> ok = runs.stream().filter(r -> !Double.isNaN(r.rowsPerSec()))
                .sorted(Comparator.comparingDouble(Result::rowsPerSec)).toList();
        return ok.isEmpty() ? new Result(Double.NaN, Double.NaN) : ok.get((ok.size() - 1) / 2);
    }

    /** Median of the non-NaN values (lower middle for an even count); NaN when none. */
    static double median(List<Double> values) {
        List<Double> ok = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        return ok.isEmpty() ? Double.NaN : ok.get((ok.size() - 1) / 2);
    }

    /** Rows/s against the reference at the largest size, and peak RSS largest ÷ smallest size. */
    static List<Headline> headlines(String db, List<Long> sizes, List<Result> results, List<Double> refs,
                                    String reference) {
        List<Headline> out = new ArrayList<>();
        Result last = results.getLast();
        Result first = results.getFirst();
        long max = sizes.getLast();
        out.add(Headline.of(db + " export rows/s at " + max + " orders", last.rowsPerSec(), "rows/s", reference,
                refs.getLast(), "1.0 = as fast as reading the same SELECT with no export pipeline; higher is better"));
        boolean measured = !Double.isNaN(last.rowsPerSec()) && !Double.isNaN(first.rowsPerSec());
        out.add(Headline.of(db + " peak RSS exporting " + max + " orders", measured ? last.peakRssBytes() / 1e6
                : Double.NaN, "MB", "peak RSS exporting " + sizes.getFirst() + " orders",
                measured ? first.peakRssBytes() / 1e6 : Double.NaN, "1.0 = memory flat as rows grow (n/a: no export)"));
        return out;
    }
}
