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
 * Where the services of one invocation come from: the one already running at {@code --url}, or store JVMs this
 * tool starts from a {@link LaunchSpec}. Launched stores of one invocation share one data dir under the results
 * folder, seeded once (so protected and naive runs read the same rows); {@link #close()} deletes the data dirs it
 * created unless told to keep them. Not thread-safe: used by the scenario thread.
 */
public final class ServiceSource implements AutoCloseable {
    private final Optional<ExternalService> external;
    private final Optional<LaunchSpec> base;
    private final long seedOrders;
    private final Path outDir;
    private final boolean keepData;
    private final PrintStream log;
    private final List<Path> dataDirs = new ArrayList<>();
    private boolean seeded;

    private ServiceSource(Optional<ExternalService> external, Optional<LaunchSpec> base, long seedOrders,
                          Path outDir, boolean keepData, PrintStream log) {
        this.external = external;
        this.base = base;
        this.seedOrders = seedOrders;
        this.outDir = outDir;
        this.keepData = keepData;
        this.log = log;
    }

    public static ServiceSource external(ExternalService service, Path outDir, PrintStream log) {
        return new ServiceSource(Optional.of(service), Optional.empty(), 0, outDir, true, log);
    }

    /** Starts stores from {@code base}; the shared data dir is seeded with {@code seedOrders} on first start. */
    public static ServiceSource launching(LaunchSpec base, long seedOrders, Path outDir, boolean keepData,
                                          PrintStream log) {
        return new ServiceSource(Optional.empty(), Optional.of(base), seedOrders, outDir, keepData, log);
    }

    public boolean launches() {
        return base.isPresent();
    }

    /** The launch settings; fails for an external service, naming the scenario that needs them. */
    public LaunchSpec base(String scenario) {
        return base.orElseThrow(() -> new BenchException(scenario + " starts the store itself (it needs "
                + "control over seeding, heap and database); run it without --url"));
    }

    public Path outDir() {
        return outDir;
    }

    /**
     * The service for one run, labelled for its log file ({@code service-<label>.log}). External: the one at
     * --url, whatever {@code protections} says. Launched: a fresh JVM on the shared, seeded data dir.
     */
    public ServiceUnderTest start(String label, boolean protections) {
        if (external.isPresent()) {
            return external.get();
        }
        LaunchSpec spec = base.orElseThrow().withProtections(protections).withDataDir(dataDir("data"));
        if (!seeded && seedOrders > 0) {
            LaunchedService.seed(spec, seedOrders, spec.startTimeout(), outDir.resolve("seed.log"), log);
            seeded = true;
        }
        return LaunchedService.start(spec, outDir.resolve("service-" + label + ".log"), log);
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
