package io.keel.bench.scenario;

import io.keel.bench.BenchException;
import io.keel.bench.KeelLauncher;
import io.keel.bench.ServiceSource;
import io.keel.bench.SupervisedService;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.Psql;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The supervised store of scenarios 6 and 7 on one database: seeded data (an H2 template copy, or a fresh PostgreSQL
 * schema seeded once and dropped on close), {@code ./keel start} with the README's worker count for that database
 * (1 on H2, 2 on PostgreSQL), and the current service, which a kill-everything-and-start-again replaces. Waits for
 * the supervisor's AOT training of the fresh data dir, so its CPU is not measured. Not thread-safe.
 */
final class SupervisedRun implements AutoCloseable {
    private static final Duration AOT_WAIT = Duration.ofMinutes(3);

    private final Path root;
    private final int workers;
    private final Optional<Runnable> dropSchema;
    private final double firstStartMs;
    private SupervisedService service;

    /**
     * What to run the service with.
     *
     * @param root  the checkout whose {@code ./keel} starts it (built)
     * @param pgUrl PostgreSQL for postgres runs
     */
    record Where(Path root, String pgUrl) {
    }

    private SupervisedRun(Path root, int workers, Optional<Runnable> dropSchema, SupervisedService service,
                          double firstStartMs) {
        this.root = root;
        this.firstStartMs = firstStartMs;
        this.workers = workers;
        this.dropSchema = dropSchema;
        this.service = service;
    }

    static int workers(ExportScale.Db db) {
        return db == ExportScale.Db.H2 ? 1 : 2;
    }

    static String label(ExportScale.Db db) {
        return db == ExportScale.Db.H2 ? "h2" : "postgres";
    }

    static SupervisedRun start(ServiceSource services, Where where, ExportScale.Db db, long seedOrders, String name,
                               PrintStream log) {
        LaunchSpec base = services.base(name);
        String label = label(db);
        Optional<Runnable> drop = Optional.empty();
        LaunchSpec spec;
        Path data;
        if (db == ExportScale.Db.POSTGRES) {
            Psql pg = Psql.parse(where.pgUrl());
            String schema = pg.createSchema();
            drop = Optional.of(() -> pg.dropSchema(schema));
            KeelLauncher launcher = new KeelLauncher(base.withDbUrl(Optional.of(pg.storeUrl(schema))));
            data = services.dataDir("data-" + label);
            try {
                launcher.seed(services.dataDir("data-seed-" + label), seedOrders,
                        services.outDir().resolve("seed-" + label + ".log"), log);
            } catch (RuntimeException e) {
                drop.get().run();
                throw e;
            }
            spec = launcher.spec().withDataDir(data);
        } else {
            KeelLauncher launcher = new KeelLauncher(base.withDbUrl(Optional.empty()));
            data = services.freshDataDir(launcher, seedOrders, label);
            spec = launcher.spec().withDataDir(data);
        }
        SupervisedService s = null;
        try {
            long t = System.nanoTime();
            s = SupervisedService.start(where.root(), spec, workers(db), freePort(),
                    services.outDir().resolve("service-" + name + "-" + label + ".log"), log);
            double startMs = (System.nanoTime() - t) / 1e6;
            log.println(label + ": waiting for the supervisor's AOT cache training (at most " + AOT_WAIT.toSeconds()
                    + " s), so it is not measured");
            if (!s.awaitAotTraining(AOT_WAIT)) {
                log.println(label + ": no AOT training end seen; going on");
            }
            return new SupervisedRun(where.root(), workers(db), drop, s, startMs);
        } catch (RuntimeException e) {
            if (s != null) {
                s.close(); // before the schema goes: its workers hold connections to it
            }
            drop.ifPresent(Runnable::run);
            throw e;
        }
    }

    SupervisedService service() {
        return service;
    }

    /** Wall time of the first {@code ./keel start} to its ready line (no AOT cache yet), in ms. */
    double firstStartMs() {
        return firstStartMs;
    }

    int workers() {
        return workers;
    }

    /** SIGKILL of every process of the service at once, then {@code ./keel start} again; returns the new service. */
    SupervisedService killAllAndStart(PrintStream log) {
        service.killAll();
        if (service.isAlive()) {
            throw new BenchException("the supervisor survived SIGKILL");
        }
        service = service.startAgain(root, workers, log);
        return service;
    }

    /** The workers that are READY now, by pid. */
    List<Long> readyPids() {
        return service.workers().stream().filter(w -> w.state().equals("READY")).map(SupervisedService.Worker::pid)
                .toList();
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            dropSchema.ifPresent(Runnable::run);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
