package io.keel.store.images;

import io.keel.store.NativePath;

/**
 * Makes thumbnails from PNG, JPEG (including CMYK, via TwelveMonkeys), GIF (first frame) and BMP bodies.
 *
 * <p>Thread-safe and stateless: one instance serves all requests. {@link #create} is CPU-heavy (decode, resize,
 * encode), so callers run it on the CPU pool, never inline in a handler. Memory per call is bounded by
 * {@link ImageLimits}: the body by {@code maxInputBytes}, and the source header is read first, so an image whose
 * declared width*height exceeds {@code maxPixels} is refused before any pixel buffer is allocated.
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
     * Decodes {@code body}, the whole image as the request carried it, resizes it to {@code spec} and encodes it in
     * {@code spec.format()}. The caller reads the body first (bounded by {@link ImageLimits#maxInputBytes()}), so the
     * CPU pool thread this runs on never waits for the network, and the bytes are used as they are, never copied.
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
    Thumbnail create(byte[] body, String contentType, ThumbnailSpec spec);
}
