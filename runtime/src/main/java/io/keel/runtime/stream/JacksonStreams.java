package io.keel.runtime.stream;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Jackson wraps exceptions thrown by the target stream; this finds our disconnect signal again. Stateless. */
final class JacksonStreams {
    private JacksonStreams() {
    }

    static RuntimeException unwrap(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientGoneException gone) {
                return gone;
            }
        }
        return new UncheckedIOException("Cannot format streamed row", e);
    }
}
