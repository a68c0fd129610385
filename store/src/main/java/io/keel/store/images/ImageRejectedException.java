package io.keel.store.images;

import io.keel.runtime.KeelException;
import java.io.Serial;

/**
 * The body cannot be turned into a thumbnail, for a {@link Reason} the HTTP layer maps to a status. The message is a
 * short human detail fit for a problem document (never a stack trace); the cause, when there is one, is for logs.
 */
public final class ImageRejectedException extends KeelException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Why an image was refused, with the status the API contract gives it. */
    public enum Reason {
        /** Declared content type or magic bytes are not PNG, JPEG, GIF or BMP: 415. */
        UNSUPPORTED_TYPE,
        /** Declared dimensions exceed {@link ImageLimits#maxPixels()}, found before decoding any pixel: 413. */
        TOO_MANY_PIXELS,
        /** The body is longer than {@link ImageLimits#maxInputBytes()}: 413. */
        INPUT_TOO_LARGE,
        /** The data claims a supported format but is truncated or damaged: 422. */
        CORRUPT
    }

    private final Reason reason;

    ImageRejectedException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    ImageRejectedException(Reason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
