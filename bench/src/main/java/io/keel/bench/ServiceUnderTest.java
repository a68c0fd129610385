package io.keel.bench;

import java.net.URI;
import java.util.List;
import java.util.OptionalLong;

/**
 * The service a benchmark runs against. {@link ExternalService} targets one that is already running; a launcher
 * that starts the store itself (normal or naive mode, chosen heap flags) implements this interface too and is
 * plugged into {@code BenchMain} where {@code ExternalService} is created.
 */
public interface ServiceUnderTest extends AutoCloseable {
    /** Base URL, always loopback. */
    URI url();

    /** Process id of the service, when known, for /proc resource sampling of its process tree. */
    OptionalLong pid();

    /**
     * Every process of the service, whose trees are sampled together for CPU and RSS: {@link #pid()} by default;
     * the instances and their balancer for a scaled-out service, which has no single pid.
     */
    default List<Long> pids() {
        return pid().isPresent() ? List.of(pid().getAsLong()) : List.of();
    }

    /** JVM flags the service was started with, for the report; "unknown" when not started by the tool. */
    default String jvmFlags() {
        return "unknown (external service)";
    }

    /** Stops the service when the tool started it; a no-op for an external one. Never throws. */
    @Override
    void close();
}
