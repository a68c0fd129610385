package io.keel.store.uploads;

import io.keel.store.db.Jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Reads {@code [position, position + length)} of an upload stored in {@code upload_chunks}, one chunk per query and
 * only when the previous one has been consumed; each query returns just the wanted part of the chunk that holds the
 * next byte. Holds one chunk in memory and no connection between reads. Not thread-safe (one download's thread).
 */
final class ChunkReader extends InputStream {
    private static final String NEXT = "SELECT start_offset,"
            + " SUBSTRING(data FROM CAST(? - start_offset + 1 AS INT) FOR ?) FROM upload_chunks"
            + " WHERE upload_id = ? AND start_offset <= ? ORDER BY start_offset DESC LIMIT 1";

    private final DataSource dataSource;
    private final String id;
    private long position;
    private long remaining;
    private byte[] chunk = new byte[0];
    private int index;

    ChunkReader(DataSource dataSource, String id, long position, long length) {
        this.dataSource = dataSource;
        this.id = id;
        this.position = position;
        this.remaining = length;
    }

    /** Loads the part of the chunk holding {@code position}; false when there is none (the upload is gone). */
    boolean fetch() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(NEXT)) {
            select.setLong(1, position);
            select.setInt(2, (int) Math.min(remaining, Integer.MAX_VALUE));
            select.setString(3, id);
            select.setLong(4, position);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
                byte[] part = rows.getBytes(2);
                if (part == null || part.length == 0) {
                    return false;
                }
                chunk = part;
                index = 0;
                return true;
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading upload " + id + " at byte " + position, e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (index == chunk.length && !fetch()) {
            throw new IOException("upload " + id + " ends at byte " + position + ", before its recorded size");
        }
        int n = (int) Math.min(Math.min(length, chunk.length - index), remaining);
        System.arraycopy(chunk, index, buffer, offset, n);
        index += n;
        position += n;
        remaining -= n;
        return n;
    }
}
