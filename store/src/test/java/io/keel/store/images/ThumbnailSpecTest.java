package io.keel.store.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ThumbnailSpecTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, -1, 4097, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void aWidthOutsideOneTo4096IsRejectedNamingTheField(int width) {
        InvalidThumbnailSpecException e = catchThrowableOfType(InvalidThumbnailSpecException.class,
                () -> new ThumbnailSpec(width, 10, Fit.CONTAIN, OutputFormat.PNG));

        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.field()).isEqualTo("width");
        assertThat(e.getMessage()).isEqualTo("width was " + width + ", allowed: 1..4096");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 4097})
    void aHeightOutsideOneTo4096IsRejectedNamingTheField(int height) {
        InvalidThumbnailSpecException e = catchThrowableOfType(InvalidThumbnailSpecException.class,
                () -> new ThumbnailSpec(10, height, Fit.CONTAIN, OutputFormat.PNG));

        assertThat(e.field()).isEqualTo("height");
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        assertThat(new ThumbnailSpec(1, 4096, Fit.COVER, OutputFormat.JPEG).height()).isEqualTo(4096);
    }

    @Test
    void missingFitOrFormatIsRejectedNamingTheField() {
        assertThat(catchThrowableOfType(InvalidThumbnailSpecException.class,
                () -> new ThumbnailSpec(1, 1, null, OutputFormat.PNG)).field()).isEqualTo("fit");
        assertThat(catchThrowableOfType(InvalidThumbnailSpecException.class,
                () -> new ThumbnailSpec(1, 1, Fit.COVER, null)).field()).isEqualTo("format");
    }

    @Test
    void queryParameterSpellingsParseAndUnknownOnesNameTheField() {
        assertThat(Fit.parse("Cover")).isEqualTo(Fit.COVER);
        assertThat(OutputFormat.parse("jpg")).isEqualTo(OutputFormat.JPEG);
        assertThatThrownBy(() -> Fit.parse("stretch")).isInstanceOf(InvalidThumbnailSpecException.class)
                .hasMessage("fit was stretch, allowed: contain or cover");
        assertThatThrownBy(() -> OutputFormat.parse("webp")).isInstanceOf(InvalidThumbnailSpecException.class)
                .hasMessage("format was webp, allowed: png or jpeg");
    }

    @Test
    void limitsRejectNonPositiveValuesNamingTheSetting() {
        assertThatThrownBy(() -> new ImageLimits(0, 1)).hasMessageContaining("maxPixels was 0");
        assertThatThrownBy(() -> new ImageLimits(1, -5)).hasMessageContaining("maxInputBytes was -5");
    }
}
