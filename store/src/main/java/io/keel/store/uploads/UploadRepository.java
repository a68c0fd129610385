package io.keel.store.uploads;

import io.keel.store.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** Rows of the {@code uploads} table. Thread-safe and stateless; each call borrows one pooled connection. */
public final class UploadRepository {
    private static final int NAMES_PER_QUERY = 200;

    private final DataSource dataSource;

    public UploadRepository(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Records a stored upload.
     *
     * @throws io.keel.store.db.DataAccessException when the database fails
     */
    public void insert(Upload upload) {
        try (Connection connection = dataSource.getConnection()) {
            insert(connection, upload);
        } catch (SQLException e) {
            throw Jdbc.failure("recording upload " + upload.id(), e);
        }
    }

    /** Inserts the row on {@code connection}, inside the caller's transaction if one is open. */
    static void insert(Connection connection, Upload upload) throws SQLException {
        String sql = "INSERT INTO uploads (id, owner_id, size, sha256, content_type, file_name, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, upload.id());
            insert.setLong(2, upload.ownerId());
            insert.setLong(3, upload.size());
            insert.setString(4, upload.sha256());
            insert.setString(5, upload.contentType());
            insert.setString(6, upload.fileName());
            Jdbc.setInstant(insert, 7, upload.createdAt());
            insert.executeUpdate();
        }
    }

    public Optional<Upload> find(String id) {
        String sql = "SELECT id, owner_id, size, sha256, content_type, file_name, created_at FROM uploads WHERE id = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Upload(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getString(4),
                        rows.getString(5), rows.getString(6), Jdbc.getInstant(rows, "created_at")));
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading upload " + id, e);
        }
    }

    /**
     * Which of {@code fileNames} a row names, in one query per {@value #NAMES_PER_QUERY} names.
     *
     * @throws io.keel.store.db.DataAccessException when the database fails
     */
    public Set<String> namedFiles(List<String> fileNames) {
        Set<String> named = new HashSet<>();
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < fileNames.size(); from += NAMES_PER_QUERY) {
                List<String> batch = fileNames.subList(from, Math.min(fileNames.size(), from + NAMES_PER_QUERY));
                String sql = "SELECT file_name FROM uploads WHERE file_name IN ("
                        + String.join(", ", Collections.nCopies(batch.size(), "?")) + ")";
                try (PreparedStatement select = connection.prepareStatement(sql)) {
                    for (int i = 0; i < batch.size(); i++) {
                        select.setString(i + 1, batch.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            named.add(rows.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("checking " + fileNames.size() + " upload files against their rows", e);
        }
        return named;
    }

    /** Deletes the row if {@code ownerId} owns it; false when there is no such upload of that owner. */
    public boolean delete(String id, long ownerId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM uploads WHERE id = ? AND owner_id = ?")) {
            delete.setString(1, id);
            delete.setLong(2, ownerId);
            return delete.executeUpdate() == 1;
        } catch (SQLException e) {
            throw Jdbc.failure("deleting upload " + id, e);
        }
    }
}
