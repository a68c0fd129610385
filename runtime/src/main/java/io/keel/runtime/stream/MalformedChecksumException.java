package io.keel.runtime.stream;

import io.keel.runtime.KeelException;

import java.io.Serial;

/**
 * A {@code Digest} or {@code X-Checksum-SHA256} request header cannot be parsed, or the two disagree (HTTP 400).
 */
public final class MalformedChecksumException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    MalformedChecksumException(String message) {
        super(message);
    }
}
