package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.LaunchedService;
import io.keel.bench.ServiceSource;
import io.keel.bench.launch.CsvCount;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.Psql;
import io.keel.bench.report.Headline;
import io.keel.bench.sample.ProcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Scenario 4: for each database and each size, a fresh store seeded with that many orders (seeding in its own JVM),
 * then one {@code GET /api/orders/export?format=csv} read to the end as fast as this client can: rows/s and the
 * service's peak RSS (the kernel's VmHWM, exact even for exports shorter than the 1 s sampling). Reference in the same
 * run: psql's {@code COPY (SELECT ...) TO STDOUT WITH CSV} of the same rows. Headlines: keel rows/s / COPY rows/s at
 * the largest size, and peak RSS at the largest / smallest size (1.0 = flat). Blocking.
 */
public final class ExportScale {
    /** Which databases to measure. */
    public enum Db { H2, POSTGRES }

    /**
     * @param sizes  order counts, ascending (default 100k, 1M, 10M; quick 10k, 100k)
     * @param dbs    databases (default both)
     * @param pgUrl  PostgreSQL for the postgres runs and the COPY reference
     */
    public record Options(List<Long> sizes, List<Db> dbs, String pgUrl) {
        public Options {
            sizes = sizes.stream().sorted().distinct().toList();
            dbs = List.copyOf(dbs);
            if (sizes.isEmpty() || sizes.getFirst() < 1 || sizes.getLast() > 100_000_000) {
                throw new BenchException("--sizes must be order counts in 1..100000000, got " + sizes);
            }
        }
    }

    private ExportScale() {
    }

    public static Path run(ServiceSource services, RunOptions options, Options eo, PrintStream log) {
        LaunchSpec base = services.base("export-scale");
        Combined combined = new Combined();
        List<Headline> headlines = new ArrayList<>();
        Optional<Psql> pg = eo.dbs().contains(Db.POSTGRES) ? Optional.of(Psql.parse(eo.pgUrl())) : Optional.empty();
        if (pg.isEmpty()) {
            combined.note("COPY reference not measured: it needs PostgreSQL (--db=postgres or --db=both)");
        }
        // Per "db-size": {keel rows/s, peak RSS bytes}; per size: COPY rows/s (PostgreSQL, same seed, same rows).
        Map<String, double[]> keel = new HashMap<>();
        Map<Long, Double> copyRate = new HashMap<>();
        for (Db db : eo.dbs()) {
            for (long size : eo.sizes()) {
                String key = key(db, size);
                Optional<String> schema = db == Db.POSTGRES ? Optional.of(pg.orElseThrow().createSchema())
                        : Optional.empty();
                try {
                    LaunchSpec spec = base.withDataDir(services.dataDir("data-" + key))
                            .withDbUrl(schema.map(s -> pg.orElseThrow().storeUrl(s)))
                            .withStartTimeout(ServiceSource.defaultStartTimeout(size).plus(base.startTimeout()));
                    Duration seeded = LaunchedService.seed(spec, size, spec.startTimeout(),
                            services.outDir().resolve("seed-" + key + ".log"), log);
                    combined.figure(key + "-seed-seconds", seeded.toMillis() / 1000.0);
                    keel.put(key, exportOnce(spec, key, options, services.outDir(), log, combined));
                    if (schema.isPresent()) {
                        Psql.CopyResult copy = pg.get().copyExport(schema.get());
                        copyRate.put(size, copy.rowsPerSecond());
                        combined.figure(key + "-copy-rows", copy.rows());
                        combined.figure(key + "-copy-rows-per-sec", copy.rowsPerSecond());
                        combined.figure(key + "-copy-mb-per-sec", copy.bytes() / 1e6 / copy.seconds());
                        log.printf("COPY of %d rows: %.0f rows/s%n", copy.rows(), copy.rowsPerSecond());
                    }
                } finally {
                    schema.ifPresent(s -> pg.orElseThrow().dropSchema(s));
                }
            }
        }
        long min = eo.sizes().getFirst();
        long max = eo.sizes().getLast();
        for (Db db : eo.dbs()) {
            String name = db.name().toLowerCase(Locale.ROOT);
            double[] last = keel.get(key(db, max));
            double[] first = keel.get(key(db, min));
            boolean measured = !Double.isNaN(last[0]) && !Double.isNaN(first[0]);
            headlines.add(Headline.of(name + " export rows/s at " + max + " orders", last[0], "rows/s",
                    "PostgreSQL COPY of the same rows", copyRate.getOrDefault(max, Double.NaN),
                    "1.0 = as fast as the database's own CSV dump; higher is better"));
            headlines.add(Headline.of(name + " peak RSS exporting " + max + " orders",
                    measured ? last[1] / 1e6 : Double.NaN, "MB", "peak RSS exporting " + min + " orders",
                    measured ? first[1] / 1e6 : Double.NaN, "1.0 = memory flat as rows grow (n/a: no export)"));
        }
        return combined.write("export-scale", options, headlines, options.out());
    }

    private static String key(Db db, long size) {
        return db.name().toLowerCase(Locale.ROOT) + "-" + size;
    }

    /** Starts the store, exports once; returns {rows/s, peak RSS bytes}. Figures and notes go to {@code combined}. */
    private static double[] exportOnce(LaunchSpec spec, String key, RunOptions options, Path out, PrintStream log,
                                       Combined combined) {
        try (LaunchedService service = LaunchedService.start(spec, out.resolve("service-" + key + ".log"), log)) {
            ScenarioContext ctx = new ScenarioContext(service, options, log);
            ctx.monitor().start();
            ctx.monitor().phase("export-" + key);
            long pid = service.pid().orElseThrow();
            double idleRss = ProcStatus.rssBytes(pid);
            var req = java.net.http.HttpRequest.newBuilder(ctx.store().url("/api/orders/export?format=csv"))
                    .header("Authorization", "Bearer " + spec.adminToken()).timeout(Duration.ofHours(2)).GET().build();
            long start = System.nanoTime();
            double rate = Double.NaN;
            try {
                HttpResponse<InputStream> r = ctx.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    CsvCount c = CsvCount.read(in);
                    double secs = (System.nanoTime() - start) / 1e9;
                    if (r.statusCode() == 404) {
                        ctx.note("GET /api/orders/export answered 404: route missing, nothing measured");
                    } else if (r.statusCode() != 200) {
                        ctx.note("GET /api/orders/export answered " + r.statusCode() + " (" + key + "): "
                                + c.firstLine());
                    } else {
                        long rows = Math.max(0, c.lines() - 1);
                        rate = rows / secs;
                        ctx.figure(key + "-rows", rows);
                        ctx.figure(key + "-rows-per-sec", rate);
                        ctx.figure(key + "-mb-per-sec", c.bytes() / 1e6 / secs);
                        ctx.figure(key + "-seconds", secs);
                        log.printf("export %s: %d rows in %.1f s, %.0f rows/s%n", key, rows, secs, rate);
                    }
                }
            } catch (IOException e) {
                ctx.note("export " + key + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted during the export", e);
            }
            double peak = ProcStatus.peakRssBytes(pid);
            ctx.figure(key + "-idle-rss-mb", idleRss / 1e6);
            ctx.figure(key + "-peak-rss-mb", peak / 1e6);
            combined.add(ctx.collect());
            return new double[] {rate, peak};
        }
    }
}
