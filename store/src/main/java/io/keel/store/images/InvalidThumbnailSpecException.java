package io.keel.store.images;

import java.io.Serial;

/**
 * A thumbnail request parameter is out of range or unknown. An {@link IllegalArgumentException} so that it reads as
 * a caller error; the HTTP layer answers 400 and can report {@link #field()} in the problem's {@code errors}.
 */
public final class InvalidThumbnailSpecException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;

    InvalidThumbnailSpecException(String field, Object value, String allowed) {
        super(field + " was " + value + ", allowed: " + allowed);
        this.field = field;
    }

    /** The request parameter at fault: {@code width}, {@code height}, {@code fit} or {@code format}. */
    public String field() {
        return field;
    }
}
