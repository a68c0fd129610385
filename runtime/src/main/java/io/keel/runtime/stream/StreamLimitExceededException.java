package io.keel.runtime.stream;

import io.keel.runtime.KeelException;

import java.io.Serial;

/**
 * A streamed body is larger than its configured limit (HTTP 413). Thrown before reading when the declared length is
 * already too big, otherwise as soon as the byte that crosses the limit arrives; nothing of the body is kept.
 */
public final class StreamLimitExceededException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long limitBytes;

    StreamLimitExceededException(String message, long limitBytes) {
        super(message);
        this.limitBytes = limitBytes;
    }

    /** The limit that was crossed, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }
}
