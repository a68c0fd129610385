package io.keel.bench;

import io.keel.bench.launch.LaunchSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts Keel's store from a {@link LaunchSpec}; seeds with {@code StoreMain seed} in its own JVM. Its embedded H2
 * data dir can be cached as a template; with an external database ({@code --db-url}) it cannot. Immutable.
 */
public record KeelLauncher(LaunchSpec spec) implements Launcher {
    @Override
    public String name() {
        return "keel";
    }

    @Override
    public Optional<String> templateKey(long orders) {
        return spec.dbUrl().isPresent() ? Optional.empty()
                : Optional.of("keel-h2-" + orders + "-orders-seed42-" + DataTemplates.schemaTag(spec.classpath()));
    }

    @Override
    public void seed(Path dataDir, long orders, Path logFile, PrintStream log) {
        LaunchSpec s = spec.withDataDir(dataDir).withStartTimeout(ServiceSource.defaultStartTimeout(orders)
                .plus(spec.startTimeout()));
        LaunchedService.seed(s, orders, s.startTimeout(), logFile, log);
    }

    @Override
    public ServiceUnderTest start(Path dataDir, boolean protections, Path logFile, PrintStream log) {
        return LaunchedService.start(spec.withDataDir(dataDir).withProtections(protections), logFile, log);
    }

    @Override
    public String adminToken() {
        return spec.adminToken();
    }
}
