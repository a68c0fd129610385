package io.keel.store.images;

import java.util.Locale;

/** How a thumbnail relates to its box. */
public enum Fit {
    /** The whole image fits inside the box, aspect ratio kept: both result sides are at most the requested ones. */
    CONTAIN,
    /** The image fills the box, aspect ratio kept, and the overflow is cropped around the centre: exact size. */
    COVER;

    /**
     * Parses the query-parameter spelling ({@code contain} or {@code cover}, any case).
     *
     * @throws InvalidThumbnailSpecException naming the field {@code fit} for any other value
     */
    public static Fit parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "contain" -> CONTAIN;
            case "cover" -> COVER;
            default -> throw new InvalidThumbnailSpecException("fit", value, "contain or cover");
        };
    }
}
