package io.keel.store.images;

import io.keel.store.images.ImageRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Runs on the production thumbnailer (native JPEG path); {@link FallbackRejectionTest} runs it on ImageIO alone. */
class ThumbnailerRejectionTest {
    private static final ThumbnailSpec SPEC = new ThumbnailSpec(64, 64, Fit.CONTAIN, OutputFormat.PNG);
    private static final long HUGE = 1L << 40;

    private final Thumbnailer thumbnailer = thumbnailer(new ImageLimits(40_000_000, HUGE));

    @Test
    void aPngDeclaringTenBillionPixelsIsRefusedFromItsHeader() {
        // 100000x100000 RGBA would need 40 GB; behind the header comes a megabyte of garbage, never decoded.
        byte[] header = TestImages.pngHeader(100_000, 100_000);
        byte[] body = Arrays.copyOf(header, header.length + (1 << 20));
        Arrays.fill(body, header.length, body.length, (byte) 0x5A);

        ImageRejectedException e = reject(body, "image/png");

        assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("100000x100000");
    }

    @Test
    void aJpegDeclaringMoreThanTheLimitIsRefusedBeforeDecoding() {
        byte[] bomb = TestImages.jpegDeclaring(60_000, 60_000);

        assertThat(reject(bomb, "image/jpeg").reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
    }

    @Test
    void thePixelLimitIsConfigurable() {
        byte[] png = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "png");
        Thumbnailer strict = thumbnailer(new ImageLimits(100_000, HUGE));

        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> strict.create(png, "image/png", SPEC));

        assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("400x300 = 120000 pixels, the limit is 100000");
    }

    @Test
    void aBodyLongerThanTheByteLimitIsRefused() {
        byte[] png = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "png");
        Thumbnailer small = thumbnailer(new ImageLimits(40_000_000, 1_000));

        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> small.create(png, "image/png", SPEC));

        assertThat(e.reason()).isEqualTo(Reason.INPUT_TOO_LARGE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jpeg", "png", "gif", "bmp"})
    void aTruncatedImageIsCorruptAlsoWhenCoverCropsIt(String format) {
        byte[] full = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), format);
        byte[] truncated = Arrays.copyOf(full, full.length - 300);

        ImageRejectedException e = reject(truncated, "image/" + format,
                new ThumbnailSpec(20, 20, Fit.COVER, OutputFormat.JPEG));

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jpeg", "png", "gif", "bmp"})
    void aTruncatedImageIsCorrupt(String format) {
        byte[] full = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), format);
        byte[] truncated = Arrays.copyOf(full, full.length * 6 / 10);

        ImageRejectedException e = reject(truncated, "image/" + format);

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
        assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aJpegMissingOnlyItsLastBytesIsCorruptRatherThanPaddedWithGrey() {
        byte[] full = TestImages.encode(TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpeg");

        ImageRejectedException e = reject(Arrays.copyOf(full, full.length - 200),
                "image/jpeg");

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void randomBytesDeclaredAsAnImageAreCorruptBecauseNoImageSignatureMatches() {
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        random[0] = 0x00;

        assertThat(reject(random, "image/png").reason())
                .isEqualTo(Reason.CORRUPT);
    }

    @Test
    void randomBytesBehindAPngSignatureAreCorrupt() {
        byte[] body = new byte[4096];
        new Random(7).nextBytes(body);
        System.arraycopy(TestImages.pngHeader(1, 1), 0, body, 0, 8);

        assertThat(reject(body, "image/png").reason()).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void anEmptyBodyIsEmpty() {
        assertThat(reject(new byte[0], "image/jpeg").reason()).isEqualTo(Reason.EMPTY);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"text/plain", "image/webp", "application/octet-stream", "", "image/svg+xml"})
    void contentTypesOtherThanTheFourImageTypesAreUnsupported(String contentType) {
        byte[] png = TestImages.encode(TestImages.picture(40, 30, BufferedImage.TYPE_INT_RGB), "png");

        ImageRejectedException e = reject(png, contentType);

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TYPE);
    }

    private ImageRejectedException reject(byte[] body, String contentType) {
        return reject(body, contentType, SPEC);
    }

    private ImageRejectedException reject(byte[] body, String contentType, ThumbnailSpec spec) {
        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> thumbnailer.create(body, contentType, spec));
        assertThat(e).as("rejection of a %s body", contentType).isNotNull();
        return e;
    }

    Thumbnailer thumbnailer(ImageLimits limits) {
        return Thumbnailer.create(limits);
    }
}
