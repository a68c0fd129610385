package io.keel.bench;

import io.keel.bench.launch.LaunchSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the services of one invocation come from: the one already running at {@code --url}, or services this tool
 * starts through a {@link Launcher} (Keel's store, or the Node.js peer). Every launched run starts from a fresh copy
 * of the same seeded data (a cached template, see {@link DataTemplates}), so runs of one invocation, and of several
 * invocations, begin in the same state; with an external database that cannot be copied, the data is seeded once and
 * shared (noted). {@link #close()} deletes the data dirs it created unless told to keep them. Not thread-safe: used
 * by the scenario thread.
 */
public final class ServiceSource implements AutoCloseable {
    private final Optional<ExternalService> external;
    private final Optional<Launcher> launcher;
    private final long seedOrders;
    private final Path outDir;
    private final boolean keepData;
    private final DataTemplates templates;
    private final PrintStream log;
    private final List<Path> dataDirs = new ArrayList<>();
    private boolean seededShared;
    private int runs;

    private ServiceSource(Optional<ExternalService> external, Optional<Launcher> launcher, long seedOrders,
                          Path outDir, boolean keepData, DataTemplates templates, PrintStream log) {
        this.external = external;
        this.launcher = launcher;
        this.seedOrders = seedOrders;
        this.outDir = outDir;
        this.keepData = keepData;
        this.templates = templates;
        this.log = log;
    }

    public static ServiceSource external(ExternalService service, Path outDir, PrintStream log) {
        return new ServiceSource(Optional.of(service), Optional.empty(), 0, outDir, true,
                new DataTemplates(DataTemplates.defaultRoot(), log), log);
    }

    /** Starts services through {@code launcher}, each on a fresh copy of data seeded with {@code seedOrders}. */
    public static ServiceSource launching(Launcher launcher, long seedOrders, Path outDir, boolean keepData,
                                          DataTemplates templates, PrintStream log) {
        return new ServiceSource(Optional.empty(), Optional.of(launcher), seedOrders, outDir, keepData, templates,
                log);
    }

    public boolean launches() {
        return launcher.isPresent();
    }

    /** The launcher; fails for an external service, naming the scenario that needs one. */
    public Launcher launcher(String scenario) {
        return launcher.orElseThrow(() -> new BenchException(scenario + " starts the service itself (it needs "
                + "control over seeding, heap and database); run it without --url / --compare-url"));
    }

    /** Keel's launch settings; fails when this source does not start Keel's store. */
    public LaunchSpec base(String scenario) {
        if (launcher(scenario) instanceof KeelLauncher k) {
            return k.spec();
        }
        throw new BenchException(scenario + " needs Keel's launch settings here");
    }

    public Path outDir() {
        return outDir;
    }

    /**
     * The service for one run, labelled for its log file ({@code service-<label>.log}). External: the one at
     * --url, whatever {@code protections} says. Launched: a fresh process on a fresh copy of the seeded data.
     */
    public ServiceUnderTest start(String label, boolean protections) {
        if (external.isPresent()) {
            return external.get();
        }
        Launcher l = launcher.orElseThrow();
        Path data = freshDataDir(l, seedOrders, label);
        return l.start(data, protections, outDir.resolve("service-" + label + ".log"), log);
    }

    /** A new data dir for {@code label} holding {@code orders} seeded orders (a template copy where possible). */
    public Path freshDataDir(Launcher l, long orders, String label) {
        Path data = dataDir("data-" + label + "-" + ++runs);
        if (orders <= 0) {
            return data;
        }
        Optional<String> key = l.templateKey(orders);
        if (key.isPresent()) {
            Path template = templates.ensure(key.get(), dir -> l.seed(dir, orders,
                    outDir.resolve("seed-" + key.get() + ".log"), log));
            DataTemplates.copy(template, data);
        } else if (!seededShared) {
            l.seed(data, orders, outDir.resolve("seed.log"), log);
            seededShared = true;
            log.println("note: the database is external, so every run of this invocation shares one seeded copy");
        }
        return data;
    }

    /** {@code <out>/<name>}, created, and deleted on close unless data is kept. */
    public Path dataDir(String name) {
        Path dir = outDir.resolve(name).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BenchException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        if (!dataDirs.contains(dir)) {
            dataDirs.add(dir);
        }
        return dir;
    }

    /** Deletes the data dirs made so far (multi-GB after export-scale) unless --keep-data. Never throws. */
    @Override
    public void close() {
        if (keepData) {
            return;
        }
        for (Path dir : dataDirs) {
            try {
                deleteTree(dir);
            } catch (UncheckedIOException e) {
                log.println("could not delete " + dir + ": " + e.getMessage());
            }
        }
        dataDirs.clear();
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long seeding plus start may take: 2 min plus 2 ms per order (H2 on a busy 2-core box seeds ~2k/s). */
    public static Duration defaultStartTimeout(long seedOrders) {
        return Duration.ofMinutes(2).plusMillis(seedOrders * 2);
    }
}
