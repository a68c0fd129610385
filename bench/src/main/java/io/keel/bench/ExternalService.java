package io.keel.bench;

import java.net.URI;
import java.util.OptionalLong;

/**
 * A service started by someone else at a loopback URL; closing it does nothing. Immutable.
 *
 * @param jvmFlags the service's JVM flags as the person running the tool states them, for the report
 */
public record ExternalService(URI url, OptionalLong pid, String jvmFlags) implements ServiceUnderTest {
    public ExternalService {
        Loopback.require(url);
    }

    public ExternalService(URI url, OptionalLong pid) {
        this(url, pid, "unknown (external service)");
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
