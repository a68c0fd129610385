package io.keel.store.uploads;

import io.keel.runtime.stream.ExpectedChecksum;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the bytes of uploads live, together with their rows: {@link DiskBlobStore} (a directory: one instance, or a
 * volume every instance mounts) or {@link DatabaseBlobStore} (the database every instance already shares), chosen by
 * {@code KEEL_UPLOAD_STORE}.
 * <p>
 * Every implementation keeps the same guarantees: a body is hashed and size-checked while it streams in and is never
 * held whole in memory; its bytes and its row become visible together or not at all (limit, checksum mismatch, client
 * abort, crash); a read streams with one bounded buffer and a {@code Range} starts at its first byte without reading
 * the ones before. Implementations are thread-safe and block (call them on virtual threads).
 */
public interface BlobStore {
    /** Builds the row to record for a body that arrived completely. */
    @FunctionalInterface
    interface Describe {
        Upload row(long size, String sha256Hex);
    }

    /**
     * Refuses a body whose declared length is already over the limit, before any byte is read. Does not block.
     *
     * @throws io.keel.runtime.stream.StreamLimitExceededException when it is over the limit
     */
    void checkDeclaredLength(OptionalLong declaredLength);

    /**
     * Reads {@code body} to its end and stores it under {@code id} with the row {@code describe} builds; returns once
     * both are durable.
     *
     * @throws io.keel.runtime.stream.StreamLimitExceededException when the body is (or is declared) over the limit
     * @throws io.keel.runtime.stream.ChecksumMismatchException    when it does not hash to {@code expected}
     * @throws io.keel.runtime.stream.ClientGoneException          when the body ends early
     */
    Upload store(InputStream body, OptionalLong declaredLength, Optional<ExpectedChecksum> expected, String id,
                 Describe describe);

    /**
     * The bytes {@code [position, position + length)} of a stored upload. The caller reads exactly {@code length}
     * bytes and closes the stream.
     *
     * @throws io.keel.runtime.http.ProblemException 404 when the upload was deleted since its row was read
     */
    InputStream open(Upload upload, long position, long length);

    /**
     * Deletes {@code upload} if {@code ownerId} owns it: its row at once, its bytes with it or right after; false
     * when there is no such upload of that owner (any more).
     */
    boolean delete(Upload upload, long ownerId);
}
