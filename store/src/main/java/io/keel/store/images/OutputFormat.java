package io.keel.store.images;

import java.util.Locale;

/** Encoding of a thumbnail. JPEG has no alpha channel: transparent sources are flattened onto white. */
public enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg");

    private final String imageIoName;
    private final String contentType;

    OutputFormat(String imageIoName, String contentType) {
        this.imageIoName = imageIoName;
        this.contentType = contentType;
    }

    /** The media type to send with the encoded bytes, e.g. {@code image/png}. */
    public String contentType() {
        return contentType;
    }

    String imageIoName() {
        return imageIoName;
    }

    /**
     * Parses the query-parameter spelling ({@code png}, {@code jpeg} or {@code jpg}, any case).
     *
     * @throws InvalidThumbnailSpecException naming the field {@code format} for any other value
     */
    public static OutputFormat parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "png" -> PNG;
            case "jpeg", "jpg" -> JPEG;
            default -> throw new InvalidThumbnailSpecException("format", value, "png or jpeg");
        };
    }
}
