package io.keel.store.images;

/** {@link ThumbnailerFormatsTest} where OpenCV's native library cannot load: every JPEG takes the ImageIO path. */
class FallbackFormatsTest extends ThumbnailerFormatsTest {
    @Override
    Thumbnailer thumbnailer(ImageLimits limits) {
        return TestImages.imageIoOnly(limits, true);
    }
}
