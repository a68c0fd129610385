package io.keel.runtime.stream;

import io.keel.runtime.KeelException;

import java.io.Serial;

/**
 * The peer of a stream went away: a write to the response failed, or reading a request body failed mid-way.
 * <p>
 * The caller must stop producing at once (end the database query, release the connection) and must not try to send
 * an error response: there is nobody to read it. Letting it propagate out of a handler is fine; the HTTP layer should
 * treat it as a closed connection, not as a server error.
 */
public final class ClientGoneException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    ClientGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
