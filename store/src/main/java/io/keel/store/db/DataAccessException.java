package io.keel.store.db;

import io.keel.runtime.KeelException;

import java.io.Serial;

/**
 * A database operation failed for a reason the caller cannot fix by changing its input (connection lost, pool
 * exhausted, constraint the repository did not expect). The HTTP layer answers 503 or 500 for it.
 */
public class DataAccessException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    public DataAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
