package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.KeelLauncher;
import io.keel.bench.Launcher;
import io.keel.bench.ServiceSource;
import io.keel.bench.ServiceUnderTest;
import io.keel.bench.launch.ExportQuery;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.Psql;
import io.keel.bench.launch.RawScan;
import io.keel.bench.launch.StoreClasses;
import io.keel.bench.report.Headline;
import io.keel.bench.report.Metric;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scenario 4: for each size, a fresh service on a fresh copy of that many seeded orders, and one
 * {@code GET /api/orders/export?format=csv} read to the end as fast as this client can: rows/s and the service's
 * peak RSS (the kernel's VmHWM). References, each reading exactly the SELECT the store runs ({@link ExportQuery}),
 * in alternating order with the export ({@code --rounds}; the median is reported): on the embedded database the raw
 * in-process H2 scan (or, with {@code --compare-peer}, the peer's SQLite export of the same data); on PostgreSQL
 * {@code psql COPY}. H2 is never divided by PostgreSQL. Every run reads data just written or copied, so the page
 * cache is warm for both sides (cold runs are not measured: dropping caches needs root). Blocking.
 */
public final class ExportScale {
    /** Which databases to measure. */
    public enum Db { H2, POSTGRES }

    /**
     * What the scenario runs.
     *
     * @param sizes  order counts, ascending (default 100k, 1M, 10M; quick 10k, 100k)
     * @param dbs    databases (default both); the peer always uses its embedded SQLite
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

    public static Outcome run(ServiceSource services, RunOptions options, Options eo, PrintStream log) {
        Launcher launcher = services.launcher("export-scale");
        Combined combined = new Combined();
        List<Headline> headlines = new ArrayList<>();
        boolean keel = launcher instanceof KeelLauncher;
        Optional<StoreClasses> store = keel ? Optional.of(new StoreClasses(services.base("export-scale").classpath()))
                : Optional.empty();
        try {
            Optional<ExportQuery> query = store.map(ExportQuery::fromStore);
            String embedded = keel ? "h2" : "embedded";
            List<ExportRun.Result> emb = new ArrayList<>();
            List<Double> refs = new ArrayList<>();
            if (!keel || eo.dbs().contains(Db.H2)) {
                for (long size : eo.sizes()) {
                    Path data = services.freshDataDir(launcher, size, embedded + "-" + size);
                    List<ExportRun.Result> runs = new ArrayList<>();
                    List<Double> scans = new ArrayList<>();
                    for (int round = 0; round < options.rounds(); round++) {
                        boolean scanFirst = round % 2 == 1;
                        if (scanFirst && keel) {
                            scans.add(scan(store.get(), data, query.get(), log));
                        }
                        runs.add(exportOn(services, launcher, data, embedded + "-" + size + "-r" + (round + 1),
                                options, combined, log));
                        if (!scanFirst && keel) {
                            scans.add(scan(store.get(), data, query.get(), log));
                        }
                    }
                    ExportRun.Result r = ExportRun.medianRun(runs);
                    emb.add(r);
                    double ref = ExportRun.median(scans);
                    refs.add(ref);
                    combined.figure(embedded + "-" + size + "-rows-per-sec", r.rowsPerSec());
                    combined.figure(embedded + "-" + size + "-peak-rss-mb", r.peakRssBytes() / 1e6);
                    combined.figure(embedded + "-" + size + "-raw-scan-rows-per-sec", ref);
                    combined.metric(Metric.higher("embedded database export rows/s at " + size + " orders",
                            "rows/s", r.rowsPerSec()));
                    combined.metric(Metric.lower("embedded database peak RSS exporting " + size + " orders", "MB",
                            r.peakRssBytes() / 1e6));
                }
                headlines.addAll(ExportRun.headlines(embedded, eo.sizes(), emb, refs, keel
                        ? "raw in-process H2 scan of the same SELECT (JDBC, CSV text, no HTTP)" : "n/a"));
            }
            if (keel && eo.dbs().contains(Db.POSTGRES)) {
                headlines.addAll(postgres(services, options, eo, query.get(), combined, log));
            }
        } finally {
            store.ifPresent(StoreClasses::close);
        }
        combined.note("export and reference alternate in order over " + options.rounds() + " round(s); medians "
                + "reported; every run reads freshly written or copied data (warm page cache; cold not measured)");
        return combined.write("export-scale", options, headlines, options.out());
    }

    private static double scan(StoreClasses store, Path data, ExportQuery query, PrintStream log) {
        RawScan.Result r = RawScan.h2(store, data, query);
        log.printf("raw H2 scan: %d rows in %.1f s, %.0f rows/s%n", r.rows(), r.seconds(), r.rowsPerSecond());
        return r.rowsPerSecond();
    }

    private static ExportRun.Result exportOn(ServiceSource services, Launcher launcher, Path data, String key,
                                             RunOptions options, Combined combined, PrintStream log) {
        try (ServiceUnderTest service = launcher.start(data, true,
                services.outDir().resolve("service-" + key + ".log"), log)) {
            ScenarioContext ctx = new ScenarioContext(service, options.forService(options.out(),
                    Optional.of(launcher.adminToken())), log);
            ExportRun.Result r = ExportRun.once(ctx, key);
            combined.add(ctx.collect());
            return r;
        }
    }

    private static List<Headline> postgres(ServiceSource services, RunOptions options, Options eo,
                                           ExportQuery query, Combined combined, PrintStream log) {
        Psql pg = Psql.parse(eo.pgUrl());
        LaunchSpec base = services.base("export-scale");
        List<ExportRun.Result> results = new ArrayList<>();
        List<Double> copies = new ArrayList<>();
        for (long size : eo.sizes()) {
            String schema = pg.createSchema();
            try {
                KeelLauncher l = new KeelLauncher(base.withDbUrl(Optional.of(pg.storeUrl(schema))));
                Path data = services.dataDir("data-postgres-" + size);
                l.seed(data, size, services.outDir().resolve("seed-postgres-" + size + ".log"), log);
                List<ExportRun.Result> runs = new ArrayList<>();
                List<Double> rates = new ArrayList<>();
                for (int round = 0; round < options.rounds(); round++) {
                    if (round % 2 == 1) {
                        rates.add(copy(pg, schema, query, log));
                    }
                    runs.add(exportOn(services, l, data, "postgres-" + size + "-r" + (round + 1), options,
                            combined, log));
                    if (round % 2 == 0) {
                        rates.add(copy(pg, schema, query, log));
                    }
                }
                ExportRun.Result r = ExportRun.medianRun(runs);
                results.add(r);
                copies.add(ExportRun.median(rates));
                combined.figure("postgres-" + size + "-rows-per-sec", r.rowsPerSec());
                combined.figure("postgres-" + size + "-peak-rss-mb", r.peakRssBytes() / 1e6);
                combined.figure("postgres-" + size + "-copy-rows-per-sec", copies.getLast());
                combined.metric(Metric.higher("PostgreSQL export ÷ psql COPY of the same SELECT at " + size
                        + " orders", "×", r.rowsPerSec() / copies.getLast()));
            } finally {
                pg.dropSchema(schema);
            }
        }
        return ExportRun.headlines("postgres", eo.sizes(), results, copies,
                "psql COPY (" + query.select("") + ") TO STDOUT WITH CSV, in the run's own schema");
    }

    private static double copy(Psql pg, String schema, ExportQuery query, PrintStream log) {
        Psql.CopyResult c = pg.copyExport(schema, query);
        log.printf("COPY of %d rows: %.0f rows/s%n", c.rows(), c.rowsPerSecond());
        return c.rowsPerSecond();
    }
}
