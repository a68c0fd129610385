package io.keel.store.uploads;

import io.keel.runtime.http.ProblemException;
import io.keel.runtime.stream.ExpectedChecksum;
import io.keel.runtime.stream.UploadSink;
import io.keel.store.db.Jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Upload bytes in the database ({@code upload_chunks}, see V5__global_events_and_upload_chunks.sql), so every
 * instance on that database serves every upload.
 * <p>
 * In: the body streams through {@link UploadSink#stage} into a local part file (hashed and size-checked on the way,
 * so a slow client never holds a database connection), then the row and the chunks of {@code chunkBytes} are written
 * in one transaction, one chunk in memory at a time. The transaction makes bytes and row visible together or not at
 * all; a crash rolls it back, and the part file is removed by the start-up sweep of this process's folder. The
 * connection is held for the copy from local disk, not for the client's upload.
 * <p>
 * Out: one query per chunk on a briefly borrowed pooled connection, issued only after the previous chunk was handed
 * to the reader, so a slow reader slows the queries and holds no connection; the first query starts at the chunk
 * holding the first requested byte and returns only the requested part of it ({@code SUBSTRING}), so a {@code Range}
 * never reads what it skips. Memory per read: one chunk.
 * <p>
 * Delete: the row's delete cascades to its chunks in one statement. Thread-safe; every method blocks.
 */
public final class DatabaseBlobStore implements BlobStore {
    private final UploadSink staging;
    private final DataSource dataSource;
    private final UploadRepository rows;
    private final int chunkBytes;

    /**
     * @param staging    sink whose part files stage bodies (its directory never gets a published file)
     * @param chunkBytes bytes per stored chunk, 4 KiB..1 MiB ({@code KEEL_UPLOAD_CHUNK_SIZE})
     */
    public DatabaseBlobStore(UploadSink staging, DataSource dataSource, UploadRepository rows, int chunkBytes) {
        if (chunkBytes < 4096 || chunkBytes > 1 << 20) {
            throw new IllegalArgumentException("upload chunk size must be in 4096..1048576, was " + chunkBytes);
        }
        this.staging = Objects.requireNonNull(staging, "staging");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.chunkBytes = chunkBytes;
    }

    @Override
    public void checkDeclaredLength(OptionalLong declaredLength) {
        staging.checkDeclaredLength(declaredLength);
    }

    @Override
    public Upload store(InputStream body, OptionalLong declaredLength, Optional<ExpectedChecksum> expected, String id,
                        Describe describe) {
        return staging.stage(body, declaredLength, expected, id, (part, size, sha256Hex) -> {
            Upload row = describe.row(size, sha256Hex);
            write(row, part);
            return row;
        });
    }

    private void write(Upload row, Path part) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                UploadRepository.insert(connection, row);
                writeChunks(connection, row.id(), part);
                connection.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw Jdbc.failure("storing the bytes of upload " + row.id(), e);
        }
    }

    private void writeChunks(Connection connection, String id, Path part) throws SQLException, IOException {
        ByteBuffer buffer = ByteBuffer.allocate(chunkBytes);
        try (FileChannel in = FileChannel.open(part);
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO upload_chunks (upload_id, start_offset, data) VALUES (?, ?, ?)")) {
            long offset = 0;
            while (true) {
                buffer.clear();
                while (buffer.hasRemaining()) { // a file read may return less than asked
                    if (in.read(buffer) < 0) {
                        break;
                    }
                }
                if (buffer.position() == 0) {
                    return;
                }
                byte[] chunk = buffer.position() == chunkBytes ? buffer.array()
                        : Arrays.copyOf(buffer.array(), buffer.position());
                insert.setString(1, id);
                insert.setLong(2, offset);
                insert.setBytes(3, chunk);
                insert.executeUpdate();
                offset += chunk.length;
                if (chunk.length < chunkBytes) {
                    return;
                }
            }
        }
    }

    @Override
    public InputStream open(Upload upload, long position, long length) {
        ChunkReader reader = new ChunkReader(dataSource, upload.id(), position, length);
        if (length > 0 && !reader.fetch()) {
            throw ProblemException.notFound("no upload " + upload.id()); // deleted since its row was read
        }
        return reader;
    }

    @Override
    public boolean delete(Upload upload, long ownerId) {
        return rows.delete(upload.id(), ownerId); // upload_chunks go with the row (ON DELETE CASCADE)
    }
}
