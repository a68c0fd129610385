package io.keel.store.images;

import io.keel.store.NativePath;

import java.io.InputStream;

/**
 * Makes thumbnails from PNG, JPEG (including CMYK, via TwelveMonkeys), GIF (first frame) and BMP bodies.
 *
 * <p>Thread-safe and stateless: one instance serves all requests. {@link #create} blocks reading {@code body} and
 * is CPU-heavy (decode, resize, encode), so callers run it on the CPU pool, never inline in a handler. Memory per
 * call is bounded by {@link ImageLimits}: the source header is read first and an image whose declared width*height
 * exceeds {@code maxPixels} is refused before any pixel buffer is allocated.
 */
public interface Thumbnailer {

    static Thumbnailer create(ImageLimits limits) {
        return new ImageIoThumbnailer(limits, true, OpenCvJpeg::load);
    }

    /**
     * Whether JPEGs are decoded natively at reduced scale or by ImageIO, for the log line and metric. The first call
     * (or the first JPEG thumbnail) loads the native library and blocks while it does (about half a second of CPU);
     * later calls return at once.
     */
    NativePath path();

    /**
     * Decodes {@code body}, resizes it to {@code spec} and encodes it in {@code spec.format()}. Reads {@code body}
     * up to its end or the input limit; does not close it.
     *
     * @param contentType the request's {@code Content-Type}; parameters and case are ignored. It must name one of
     *                    the supported formats, and the magic bytes decide which decoder runs (a PNG sent as
     *                    {@code image/jpeg} is decoded as PNG).
     * @throws ImageRejectedException with {@link ImageRejectedException.Reason#UNSUPPORTED_TYPE} when the content
     *         type is not a supported image type or the bytes match no supported signature (random bytes and an
     *         empty body land here), {@code TOO_MANY_PIXELS} when the declared size exceeds the pixel limit,
     *         {@code INPUT_TOO_LARGE} past the byte limit, and {@code CORRUPT} when a recognised image is truncated
     *         or damaged (including JPEGs the decoder would silently pad with grey)
     */
    Thumbnail create(InputStream body, String contentType, ThumbnailSpec spec);
}
