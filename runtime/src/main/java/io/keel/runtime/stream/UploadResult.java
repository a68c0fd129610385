package io.keel.runtime.stream;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A body that was received completely, verified and moved into place.
 *
 * @param size      bytes stored
 * @param sha256Hex SHA-256 of the stored bytes, lower-case hex
 * @param path      where the file now lives (the caller's final name inside the sink's directory)
 */
public record UploadResult(long size, String sha256Hex, Path path) {
    public UploadResult {
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        Objects.requireNonNull(path, "path");
    }
}
