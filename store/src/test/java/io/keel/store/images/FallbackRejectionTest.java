package io.keel.store.images;

/** {@link ThumbnailerRejectionTest} where OpenCV's native library cannot load: every JPEG takes the ImageIO path. */
class FallbackRejectionTest extends ThumbnailerRejectionTest {
    @Override
    Thumbnailer thumbnailer(ImageLimits limits) {
        return TestImages.imageIoOnly(limits, true);
    }
}
