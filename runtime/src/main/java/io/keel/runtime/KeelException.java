package io.keel.runtime;

import java.io.Serial;

/**
 * Root of every exception the Keel runtime throws. Unchecked: callers on virtual threads let it propagate and the
 * HTTP layer maps it to a problem document in one place.
 */
public class KeelException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public KeelException(String message) {
        super(message);
    }

    public KeelException(String message, Throwable cause) {
        super(message, cause);
    }
}
