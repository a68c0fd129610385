package io.keel.store.images;

import io.keel.store.images.ImageRejectedException.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenCvJpegTest {

    @Test
    void theNativeLibraryLoadsOnThisPlatformAndSaysSo() {
        Thumbnailer thumbnailer = Thumbnailer.create(ImageLimits.defaults());

        assertThat(thumbnailer.path().accelerated()).isTrue();
        assertThat(thumbnailer.path().feature()).isEqualTo("jpeg");
        assertThat(thumbnailer.path().detail()).contains("libjpeg-turbo");
    }

    @Test
    void aLibraryThatCannotLoadLeavesImageIoInChargeAndTheGaugeSaysJava() {
        Thumbnailer fallback = TestImages.imageIoOnly(true);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        fallback.path().report(registry);

        assertThat(fallback.path().detail()).contains("no OpenCV in this test");
        assertThat(registry.get("keel.native.library").tag("feature", "jpeg").tag("path", "java").gauge().value())
                .isEqualTo(1.0);
        byte[] jpeg = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpeg");
        Thumbnail thumb = fallback.create(jpeg, "image/jpeg",
                new ThumbnailSpec(100, 100, Fit.CONTAIN, OutputFormat.JPEG));
        assertThat(thumb.width()).isEqualTo(100);
        assertThat(thumb.height()).isEqualTo(75);
    }

    @Test
    void theNativeLibraryLoadsOnceOnTheFirstJpegThumbnailNotWhenTheThumbnailerIsMadeNorForAPng() {
        AtomicInteger loads = new AtomicInteger();
        Thumbnailer thumbnailer = new ImageIoThumbnailer(ImageLimits.defaults(), true, () -> {
            loads.incrementAndGet();
            return OpenCvJpeg.load();
        });
        BufferedImage picture = TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB);
        ThumbnailSpec spec = new ThumbnailSpec(100, 100, Fit.CONTAIN, OutputFormat.JPEG);

        thumbnailer.create(TestImages.encode(picture, "png"), "image/png", spec);
        assertThat(loads).hasValue(0);
        thumbnailer.create(TestImages.encode(picture, "jpeg"), "image/jpeg", spec);
        thumbnailer.create(TestImages.encode(picture, "jpeg"), "image/jpeg", spec);

        assertThat(loads).hasValue(1);
        assertThat(thumbnailer.path().accelerated()).isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void theReductionIsTheLargestThatStillCoversTheOutput() {
        assertThat(OpenCvJpeg.reduction(plan(2000, 2000, 200, 200, Fit.CONTAIN))).isEqualTo(8);
        assertThat(OpenCvJpeg.reduction(plan(2000, 2000, 300, 300, Fit.CONTAIN))).isEqualTo(4);
        assertThat(OpenCvJpeg.reduction(plan(2000, 1000, 200, 200, Fit.COVER))).isEqualTo(4);
        assertThat(OpenCvJpeg.reduction(plan(400, 300, 300, 300, Fit.CONTAIN))).isEqualTo(1);
        assertThat(OpenCvJpeg.reduction(plan(40, 30, 100, 100, Fit.CONTAIN))).isEqualTo(1);
    }

    @Test
    void theStructureGivesTheDeclaredSizeAndWhetherTheEndMarkerArrived() {
        byte[] jpeg = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpeg");

        JpegStructure whole = JpegStructure.parse(jpeg);
        JpegStructure cut = JpegStructure.parse(Arrays.copyOf(jpeg, jpeg.length - 2));

        assertThat(whole).isEqualTo(new JpegStructure(400, 300, 3, true));
        assertThat(cut.complete()).isFalse();
    }

    @Test
    void segmentsDamagedBeforeTheImageDataAreCorrupt() {
        byte[] jpeg = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpeg");

        assertThatThrownBy(() -> JpegStructure.parse(Arrays.copyOf(jpeg, 40)))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
        assertThatThrownBy(() -> JpegStructure.parse(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}))
                .isInstanceOf(ImageRejectedException.class);
    }

    @Test
    void scanDataThatTheDecoderCannotReadIsCorrupt() {
        byte[] jpeg = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpeg");
        JpegStructure structure = JpegStructure.parse(jpeg);
        // Keep the headers and the end marker but replace every frame component's sampling with an invalid value.
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                jpeg[i + 11] = 0;
                break;
            }
        }

        ImageRejectedException e = Assertions.catchThrowableOfType(ImageRejectedException.class,
                () -> Thumbnailer.create(ImageLimits.defaults()).create(jpeg, "image/jpeg",
                        new ThumbnailSpec(50, 50, Fit.CONTAIN, OutputFormat.PNG)));

        assertThat(structure.complete()).isTrue();
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
    }

    private static ThumbnailPlan plan(int w, int h, int outW, int outH, Fit fit) {
        return ThumbnailPlan.of(w, h, new ThumbnailSpec(outW, outH, fit, OutputFormat.JPEG), false);
    }
}
