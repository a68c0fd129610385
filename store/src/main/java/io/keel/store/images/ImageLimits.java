package io.keel.store.images;

/**
 * Bounds on the work one thumbnail may cause. Immutable; invalid values fail on construction naming the setting.
 *
 * @param maxPixels     largest width*height that is decoded (source, after reading only its header) or produced;
 *                      default {@value #DEFAULT_MAX_PIXELS}. A decoded pixel costs about 4 bytes of heap.
 * @param maxInputBytes largest encoded body read, in bytes; default {@value #DEFAULT_MAX_INPUT_BYTES} (20 MiB)
 */
public record ImageLimits(long maxPixels, long maxInputBytes) {
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final long DEFAULT_MAX_INPUT_BYTES = 20L * 1024 * 1024;

    public ImageLimits {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels was " + maxPixels + ", must be at least 1");
        }
        if (maxInputBytes < 1) {
            throw new IllegalArgumentException("maxInputBytes was " + maxInputBytes + ", must be at least 1");
        }
    }

    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_INPUT_BYTES);
    }
}
