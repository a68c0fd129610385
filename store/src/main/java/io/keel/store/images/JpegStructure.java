package io.keel.store.images;

import io.keel.store.images.ImageRejectedException.Reason;

/**
 * What the native JPEG path needs to know from a JPEG's bytes before decoding it: the declared size and number of
 * colour components (from the first SOFn segment), and whether the file ends its entropy-coded data with an EOI
 * marker. libjpeg only warns about a missing end and pads the picture with grey, so a file without EOI after its first
 * scan is treated as truncated. Inside entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker,
 * so 0xFF 0xD9 there can only be the real end. Immutable.
 */
record JpegStructure(int width, int height, int components, boolean complete) {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;

    /** @throws ImageRejectedException {@code CORRUPT} when the segments before the first scan are damaged */
    static JpegStructure parse(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != SOI) {
            throw corrupt("JPEG does not start with a start-of-image marker");
        }
        int width = -1;
        int height = -1;
        int components = -1;
        int i = 2;
        while (true) {
            while (i < jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
                i++; // fill bytes before a marker are allowed
            }
            if (i + 2 >= jpeg.length || (jpeg[i - 1] & 0xFF) != 0xFF) {
                throw corrupt("JPEG segments are truncated or damaged before the image data");
            }
            int marker = jpeg[i] & 0xFF;
            int length = (jpeg[i + 1] & 0xFF) << 8 | (jpeg[i + 2] & 0xFF);
            if (length < 2 || i + 1 + length > jpeg.length) {
                throw corrupt("JPEG segment 0xFF" + Integer.toHexString(marker) + " has a broken length");
            }
            if (isStartOfFrame(marker) && width < 0) {
                if (length < 8) {
                    throw corrupt("JPEG frame header is too short");
                }
                height = (jpeg[i + 4] & 0xFF) << 8 | (jpeg[i + 5] & 0xFF);
                width = (jpeg[i + 6] & 0xFF) << 8 | (jpeg[i + 7] & 0xFF);
                components = jpeg[i + 8] & 0xFF;
            }
            if (marker == SOS) {
                if (width < 0) {
                    throw corrupt("JPEG image data comes before any frame header");
                }
                return new JpegStructure(width, height, components, endsAfter(jpeg, i + 1 + length));
            }
            if (marker == EOI) {
                throw corrupt("JPEG ends before its image data");
            }
            i += 1 + length;
        }
    }

    private static boolean endsAfter(byte[] jpeg, int from) {
        for (int i = jpeg.length - 2; i >= from; i--) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == EOI) {
                return true;
            }
        }
        return false;
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static ImageRejectedException corrupt(String message) {
        return new ImageRejectedException(Reason.CORRUPT, message);
    }
}
