package io.keel.store.images;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An encoded thumbnail. Immutable: the bytes are copied in, {@link #bytes()} hands out a copy, and
 * {@link #writeTo(OutputStream)} sends them without copying (the way a response body should use it).
 *
 * @param contentType media type of the bytes, {@code image/png} or {@code image/jpeg}
 * @param width       pixel width of the encoded image
 * @param height      pixel height of the encoded image
 */
@SuppressWarnings("ArrayRecordComponent") // the encoded image goes straight to the response; never compared, never changed
public record Thumbnail(byte[] bytes, String contentType, int width, int height) {
    public Thumbnail {
        bytes = bytes.clone();
        if (contentType.isBlank() || width < 1 || height < 1) {
            throw new IllegalArgumentException(
                    "thumbnail needs a content type and positive size, was " + contentType + " " + width + "x" + height);
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Length of the encoded image in bytes, for {@code Content-Length}. */
    public int size() {
        return bytes.length;
    }

    /** Writes the encoded image to {@code out}; blocks on {@code out}. Does not close it. */
    public void writeTo(OutputStream out) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
