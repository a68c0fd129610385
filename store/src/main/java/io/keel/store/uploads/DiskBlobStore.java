package io.keel.store.uploads;

import io.keel.runtime.http.ProblemException;
import io.keel.runtime.stream.ExpectedChecksum;
import io.keel.runtime.stream.UploadSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Upload bytes as files of one directory ({@code <data-dir>/uploads}), through {@link UploadSink}: the row is
 * committed just before the file is moved into place, so a row always names a complete file (or, after a crash
 * between the two, a part file {@link UploadSweep} puts in place at the next start), a visible file always has its
 * row, and a partial file is never visible. Serves several instances only when they share the directory.
 * Thread-safe.
 */
public final class DiskBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(DiskBlobStore.class);

    private final UploadSink sink;
    private final Path dir;
    private final UploadRepository rows;

    /** @param dir the directory {@code sink} stores into */
    public DiskBlobStore(UploadSink sink, Path dir, UploadRepository rows) {
        this.sink = sink;
        this.dir = dir;
        this.rows = rows;
    }

    @Override
    public void checkDeclaredLength(OptionalLong declaredLength) {
        sink.checkDeclaredLength(declaredLength);
    }

    @Override
    public Upload store(InputStream body, OptionalLong declaredLength, Optional<ExpectedChecksum> expected, String id,
                        Describe describe) {
        AtomicReference<Upload> row = new AtomicReference<>();
        try {
            // The row is committed before the file gets its name, so a visible file always has its row.
            sink.receive(body, declaredLength, expected, id, complete -> {
                row.set(describe.row(complete.size(), complete.sha256Hex()));
                rows.insert(row.get());
            });
            return row.get();
        } catch (UncheckedIOException e) {
            if (row.get() != null) {
                forget(row.get(), e); // the disk failed in the rename after the commit
            }
            throw e;
        }
    }

    /** No row may name a file that is not there: undoes a commit whose rename failed. */
    private void forget(Upload upload, RuntimeException cause) {
        try {
            rows.delete(upload.id(), upload.ownerId());
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public InputStream open(Upload upload, long position, long length) {
        Path file = dir.resolve(upload.fileName());
        try {
            return Channels.newInputStream(FileChannel.open(file).position(position));
        } catch (NoSuchFileException e) {
            // Deleted between reading the row and opening the file: the upload is gone.
            throw ProblemException.notFound("no upload " + upload.id());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upload file " + file, e);
        }
    }

    @Override
    public boolean delete(Upload upload, long ownerId) {
        if (!rows.delete(upload.id(), ownerId)) {
            return false;
        }
        // The row is gone first, so the file is unreachable even if deleting it fails below.
        Path file = dir.resolve(upload.fileName());
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete upload file {}; it is no longer reachable", file, e);
        }
        return true;
    }
}
