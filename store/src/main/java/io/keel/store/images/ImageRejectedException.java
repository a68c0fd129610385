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
        /** The declared content type is not PNG, JPEG, GIF or BMP: 415 (the route does not take that media type). */
        UNSUPPORTED_TYPE,
        /** The body is empty: 400, there is nothing to process. */
        EMPTY,
        /** Declared dimensions exceed {@link ImageLimits#maxPixels()}, found before decoding any pixel: 413. */
        TOO_MANY_PIXELS,
        /** The body is longer than {@link ImageLimits#maxInputBytes()}: 413. */
        INPUT_TOO_LARGE,
        /**
         * The body was declared as a supported image type but is not one (no known signature), or is truncated or
         * damaged: 422, a well-formed request whose content cannot be processed.
         */
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
