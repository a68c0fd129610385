package io.keel.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the tool seeds and starts one kind of service (Keel's store, the Node.js reference peer). Implementations are
 * immutable; {@link #seed} and {@link #start} block until done or ready.
 */
public interface Launcher {
    /** Short name for logs, folders and template keys: "keel", "peer". */
    String name();

    /**
     * Name of the cached seeded data directory for {@code orders} (same service, size and seed = same key), or
     * empty when the data does not live in the data dir (an external database) and cannot be cached.
     */
    Optional<String> templateKey(long orders);

    /** Seeds {@code orders} orders (and the matching customers and products) into {@code dataDir}. */
    void seed(Path dataDir, long orders, Path logFile, PrintStream log);

    /** Starts the service on {@code dataDir}; {@code protections} false = its naive baseline mode. */
    ServiceUnderTest start(Path dataDir, boolean protections, Path logFile, PrintStream log);

    /** The operator token the started service accepts. */
    String adminToken();

    /** Customers to seed for {@code orders} orders: one per 20 orders, 10..10,000 (both services alike). */
    static int customers(long orders) {
        return (int) Math.max(10, Math.min(10_000, orders / 20));
    }

    /** Products both services are seeded with. */
    int PRODUCTS = 200;
}
