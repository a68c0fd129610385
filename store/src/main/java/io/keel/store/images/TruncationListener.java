package io.keel.store.images;

import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Notices the warnings a JPEG decoder gives instead of failing when data runs out ("Truncated File - Missing EOI
 * marker", libjpeg's "premature end of data segment"): it then pads the image with grey and returns normally. Other
 * warnings, such as libjpeg's common "extraneous bytes before marker", are tolerated because real cameras and
 * editors produce them. Not thread-safe: one decode owns it.
 */
final class TruncationListener implements IIOReadWarningListener {
    private boolean truncated;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
        String text = warning.toLowerCase(Locale.ROOT);
        if (text.contains("truncat") || text.contains("premature end") || text.contains("missing eoi")) {
            truncated = true;
        }
    }

    boolean truncated() {
        return truncated;
    }
}
