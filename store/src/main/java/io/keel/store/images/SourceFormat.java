package io.keel.store.images;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The encodings a thumbnail can be made from, recognised by media type and by magic bytes. */
// The magic bytes (an array) and the media types (an unmodifiable List.of) are private, set once, only read here.
@SuppressWarnings("ImmutableEnumChecker")
enum SourceFormat {
    PNG("png", true, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, "image/png"),
    JPEG("jpeg", true, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, "image/jpeg", "image/jpg", "image/pjpeg"),
    GIF("gif", true, new byte[] {'G', 'I', 'F', '8'}, "image/gif"),
    // The JDK BMP reader skips rows it does not need with a skip that ignores end of file, so a truncated BMP read
    // with subsampling or a source region comes back padded with black instead of failing.
    BMP("bmp", false, new byte[] {'B', 'M'}, "image/bmp", "image/x-bmp", "image/x-ms-bmp");

    /** Enough leading bytes to tell every format apart. */
    static final int MAGIC_LENGTH = 8;

    private final String imageIoName;
    private final boolean partialReadsDetectTruncation;
    private final byte[] magic;
    private final List<String> mediaTypes;

    SourceFormat(String imageIoName, boolean partialReadsDetectTruncation, byte[] magic, String... mediaTypes) {
        this.imageIoName = imageIoName;
        this.partialReadsDetectTruncation = partialReadsDetectTruncation;
        this.magic = magic;
        this.mediaTypes = List.of(mediaTypes);
    }

    String imageIoName() {
        return imageIoName;
    }

    /** Whether decoding a source region or subsampled rows still fails on truncated data. */
    boolean partialReadsDetectTruncation() {
        return partialReadsDetectTruncation;
    }

    /** The format a {@code Content-Type} names, ignoring parameters and case; empty when it names none of ours. */
    static Optional<SourceFormat> ofContentType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(f -> f.mediaTypes.contains(bare))
                .findFirst();
    }

    /** The format whose signature starts {@code head}; empty when none matches. */
    static Optional<SourceFormat> sniff(byte[] head) {
        return Arrays.stream(values()).filter(f -> f.matches(head)).findFirst();
    }

    private boolean matches(byte[] head) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
