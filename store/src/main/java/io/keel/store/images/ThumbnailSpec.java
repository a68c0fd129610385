package io.keel.store.images;

/**
 * What thumbnail to make: a box of {@code width} x {@code height} pixels, how to fit the image into it, and the
 * encoding. Immutable; every value is checked on construction.
 *
 * @param width  box width in pixels, {@value #MIN_SIDE}..{@value #MAX_SIDE}
 * @param height box height in pixels, {@value #MIN_SIDE}..{@value #MAX_SIDE}
 * 
 */
public record ThumbnailSpec(int width, int height, Fit fit, OutputFormat format) {
    public static final int MIN_SIDE = 1;
    public static final int MAX_SIDE = 4096;

    public ThumbnailSpec {
        checkSide("width", width);
        checkSide("height", height);
        if (fit == null) {
            throw new InvalidThumbnailSpecException("fit", "missing", "contain or cover");
        }
        if (format == null) {
            throw new InvalidThumbnailSpecException("format", "missing", "png or jpeg");
        }
    }

    private static void checkSide(String field, int value) {
        if (value < MIN_SIDE || value > MAX_SIDE) {
            throw new InvalidThumbnailSpecException(field, value, MIN_SIDE + ".." + MAX_SIDE);
        }
    }
}
