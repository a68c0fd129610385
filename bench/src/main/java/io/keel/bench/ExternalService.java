package io.keel.bench;

import java.net.URI;
import java.util.OptionalLong;

/** A service started by someone else at a loopback URL; closing it does nothing. Immutable. */
public record ExternalService(URI url, OptionalLong pid) implements ServiceUnderTest {
    public ExternalService {
        Loopback.require(url);
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
