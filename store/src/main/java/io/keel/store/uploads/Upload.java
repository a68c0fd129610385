package io.keel.store.uploads;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored upload: its row in {@code uploads}; the bytes are in its {@link BlobStore} (with the disk store, the file
 * {@code <data-dir>/uploads/<fileName>}).
 *
 * @param id          public id, a random UUID
 * @param sha256      lower-case hex SHA-256 of the bytes, also the download's ETag
 * @param contentType the Content-Type it was uploaded with
 */
public record Upload(String id, long ownerId, long size, String sha256, String contentType, String fileName,
                     Instant createdAt) {
    public Upload {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** What {@code POST /api/uploads} answers. */
    record View(String id, long size, String sha256, String contentType, Instant createdAt) {
    }

    View view() {
        return new View(id, size, sha256, contentType, createdAt);
    }
}
