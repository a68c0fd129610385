package io.keel.store.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs on the production thumbnailer (native JPEG path); {@link FallbackFormatsTest} runs it on ImageIO alone. */
class ThumbnailerFormatsTest {
    private final Thumbnailer thumbnailer = thumbnailer(ImageLimits.defaults());
    private static final BufferedImage SOURCE = TestImages.picture(400, 300, BufferedImage.TYPE_INT_RGB);

    static Stream<Arguments> inputsAndOutputs() {
        return Stream.of("png", "jpeg", "gif", "bmp")
                .flatMap(in -> Stream.of(OutputFormat.values()).map(out -> Arguments.of(in, out)));
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("inputsAndOutputs")
    void containFitsInsideTheBoxKeepingTheAspectRatio(String input, OutputFormat output) {
        Thumbnail thumb = make(input, new ThumbnailSpec(100, 100, Fit.CONTAIN, output));

        assertThat(thumb.contentType()).isEqualTo(output.contentType());
        assertThat(thumb.width()).isEqualTo(100);
        assertThat(thumb.height()).isEqualTo(75);
        BufferedImage decoded = TestImages.decode(thumb.bytes());
        assertThat(decoded.getWidth()).isEqualTo(100);
        assertThat(decoded.getHeight()).isEqualTo(75);
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("inputsAndOutputs")
    void coverFillsTheBoxExactly(String input, OutputFormat output) {
        Thumbnail thumb = make(input, new ThumbnailSpec(90, 120, Fit.COVER, output));

        BufferedImage decoded = TestImages.decode(thumb.bytes());
        assertThat(decoded.getWidth()).isEqualTo(90);
        assertThat(decoded.getHeight()).isEqualTo(120);
        assertThat(thumb.width()).isEqualTo(90);
        assertThat(thumb.height()).isEqualTo(120);
    }

    @Test
    void coverCropsAroundTheCentre() {
        // The disc sits in the middle of the source: a square crop of the centre shows orange at its centre and
        // the blue-to-red ramp's middle columns at the edges, not the extreme blue of the far left.
        Thumbnail thumb = make("png", new ThumbnailSpec(60, 60, Fit.COVER, OutputFormat.PNG));

        BufferedImage decoded = TestImages.decode(thumb.bytes());
        int centre = decoded.getRGB(30, 30);
        assertThat(centre >> 16 & 0xFF).isGreaterThan(200);
        assertThat(centre & 0xFF).isLessThan(60);
        int leftEdge = decoded.getRGB(0, 0);
        assertThat(leftEdge >> 16 & 0xFF).isBetween(20, 80);
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY,
            BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_4BYTE_ABGR})
    void unusualPixelLayoutsBecomeOrdinaryThumbnails(int type) {
        byte[] png = TestImages.encode(TestImages.picture(300, 300, type), "png");

        Thumbnail thumb = thumbnailer.create(png, "image/png",
                new ThumbnailSpec(64, 64, Fit.CONTAIN, OutputFormat.JPEG));

        BufferedImage decoded = TestImages.decode(thumb.bytes());
        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(TestImages.grey(decoded.getRGB(32, 32))).isGreaterThan(100);
    }

    @Test
    void smallSourcesAreScaledUpToTheBox() {
        byte[] tiny = TestImages.encode(TestImages.picture(40, 30, BufferedImage.TYPE_INT_RGB), "png");

        Thumbnail thumb = thumbnailer.create(tiny, "image/png",
                new ThumbnailSpec(200, 200, Fit.CONTAIN, OutputFormat.PNG));

        assertThat(thumb.width()).isEqualTo(200);
        assertThat(thumb.height()).isEqualTo(150);
    }

    @Test
    void contentTypeParametersAndCaseAreIgnored() {
        byte[] png = TestImages.encode(SOURCE, "png");

        Thumbnail thumb = thumbnailer.create(png, "Image/PNG; charset=binary",
                new ThumbnailSpec(10, 10, Fit.COVER, OutputFormat.JPEG));

        assertThat(thumb.width()).isEqualTo(10);
    }

    @Test
    void theMagicBytesDecideTheDecoderWhenTheDeclaredSupportedTypeIsWrong() {
        byte[] png = TestImages.encode(SOURCE, "png");

        Thumbnail thumb = thumbnailer.create(png, "image/jpeg",
                new ThumbnailSpec(40, 30, Fit.CONTAIN, OutputFormat.PNG));

        assertThat(TestImages.decode(thumb.bytes()).getWidth()).isEqualTo(40);
    }

    @Test
    void thumbnailBytesCannotBeChangedFromOutside() {
        Thumbnail thumb = make("png", new ThumbnailSpec(20, 20, Fit.COVER, OutputFormat.PNG));

        byte[] copy = thumb.bytes();
        copy[0] = 0;

        assertThat(thumb.bytes()[0]).isEqualTo((byte) 0x89);
        assertThat(thumb.size()).isEqualTo(copy.length);
    }

    private Thumbnail make(String input, ThumbnailSpec spec) {
        byte[] body = TestImages.encode(SOURCE, input);
        return thumbnailer.create(body, "image/" + input, spec);
    }

    Thumbnailer thumbnailer(ImageLimits limits) {
        return Thumbnailer.create(limits);
    }
}
