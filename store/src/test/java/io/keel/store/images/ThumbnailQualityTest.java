package io.keel.store.images;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ThumbnailQualityTest {
    private final Thumbnailer thumbnailer = Thumbnailer.create(ImageLimits.defaults());

    @Test
    void aOnePixelCheckerboardShrinksToEvenMidGrey() {
        // Nearest neighbour picks all-black or all-white here; averaging gives 127 everywhere.
        BufferedImage small = Resampler.resize(TestImages.checkerboard(512), 64, 64, false);

        for (int y = 0; y < 64; y += 7) {
            for (int x = 0; x < 64; x += 7) {
                assertThat(TestImages.grey(small.getRGB(x, y))).isCloseTo(127, within(3));
            }
        }
    }

    @Test
    void aCheckerboardHalvedThroughThePublicApiIsMidGrey() {
        // Halving needs no decode-time subsampling, so every source pixel reaches the resize.
        byte[] png = TestImages.encode(TestImages.checkerboard(256), "png");

        Thumbnail thumb = thumbnailer.create(png, "image/png",
                new ThumbnailSpec(128, 128, Fit.CONTAIN, OutputFormat.PNG));

        assertThat(averageGrey(TestImages.decode(thumb.bytes()))).isCloseTo(127.5, within(2.0));
        assertThat(TestImages.grey(TestImages.decode(thumb.bytes()).getRGB(5, 9))).isCloseTo(127, within(3));
    }

    @Test
    void aGradientShrunkTenfoldWithSubsamplingStaysSmoothAndMonotonic() {
        byte[] png = TestImages.encode(TestImages.horizontalGradient(2000, 200), "png");

        Thumbnail thumb = thumbnailer.create(png, "image/png",
                new ThumbnailSpec(200, 20, Fit.COVER, OutputFormat.PNG));

        BufferedImage out = TestImages.decode(thumb.bytes());
        int previous = -1;
        for (int x = 0; x < out.getWidth(); x++) {
            int grey = TestImages.grey(out.getRGB(x, 10));
            assertThat(grey).isGreaterThanOrEqualTo(previous);
            assertThat(grey).isCloseTo((x * 10 + 5) * 255 / 1999, within(4));
            previous = grey;
        }
    }

    @Test
    void subsampledDecodingMatchesFullDecodingOnSmoothContent() {
        byte[] jpeg = TestImages.encode(TestImages.picture(1600, 1200, BufferedImage.TYPE_INT_RGB), "jpeg");
        ThumbnailSpec spec = new ThumbnailSpec(160, 160, Fit.CONTAIN, OutputFormat.PNG);

        BufferedImage fast = TestImages.decode(TestImages.imageIoOnly(true)
                .create(jpeg, "image/jpeg", spec).bytes());
        BufferedImage full = TestImages.decode(TestImages.imageIoOnly(false)
                .create(jpeg, "image/jpeg", spec).bytes());

        assertThat(fast.getWidth()).isEqualTo(full.getWidth());
        assertThat(TestImages.meanGreyDifference(fast, full)).isLessThan(3.0);
    }

    @Test
    void nativeReducedDecodingMatchesFullDecodingOnSmoothContent() {
        byte[] jpeg = TestImages.encode(TestImages.picture(1600, 1200, BufferedImage.TYPE_INT_RGB), "jpeg");
        ThumbnailSpec spec = new ThumbnailSpec(160, 160, Fit.CONTAIN, OutputFormat.PNG);
        Thumbnailer reduced = Thumbnailer.create(ImageLimits.defaults());

        BufferedImage fast = TestImages.decode(reduced.create(jpeg, "image/jpeg", spec)
                .bytes());
        BufferedImage full = TestImages.decode(TestImages.imageIoOnly(false)
                .create(jpeg, "image/jpeg", spec).bytes());

        assertThat(reduced.path().accelerated()).isTrue();
        assertThat(fast.getWidth()).isEqualTo(full.getWidth());
        assertThat(fast.getHeight()).isEqualTo(full.getHeight());
        assertThat(TestImages.meanGreyDifference(fast, full)).isLessThan(3.0);
    }

    @Test
    void transparentPngBecomesJpegFlattenedOnWhite() {
        BufferedImage clear = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        byte[] png = TestImages.encode(clear, "png");

        Thumbnail thumb = thumbnailer.create(png, "image/png",
                new ThumbnailSpec(50, 50, Fit.COVER, OutputFormat.JPEG));

        assertThat(TestImages.grey(TestImages.decode(thumb.bytes()).getRGB(25, 25))).isGreaterThan(250);
    }

    @Test
    void transparencySurvivesIntoPngThumbnails() {
        BufferedImage half = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        var g = half.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 100, 200);
        g.dispose();

        Thumbnail thumb = thumbnailer.create(TestImages.encode(half, "png"), "image/png",
                new ThumbnailSpec(50, 50, Fit.COVER, OutputFormat.PNG));

        BufferedImage out = TestImages.decode(thumb.bytes());
        assertThat(out.getColorModel().hasAlpha()).isTrue();
        assertThat(out.getRGB(10, 25)).isEqualTo(0xFFFF0000);
        assertThat(out.getRGB(40, 25) >>> 24).isZero();
    }

    private static double averageGrey(BufferedImage image) {
        long sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                sum += TestImages.grey(image.getRGB(x, y));
            }
        }
        return (double) sum / (image.getWidth() * image.getHeight());
    }
}
