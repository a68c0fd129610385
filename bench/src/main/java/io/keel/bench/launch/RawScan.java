package io.keel.bench.launch;

import io.keel.bench.BenchException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The embedded-database reference of export-scale: the store's export SELECT run on its H2 file from this JVM with
 * plain JDBC (the store's own H2 driver), every column of every row formatted into CSV text and counted, nothing sent
 * anywhere. It is what the export pipeline would cost if it were free, on the same rows. The store must be stopped
 * (H2 locks its file). Blocking. Stateless.
 */
public final class RawScan {
    private RawScan() {
    }

    /** Result of one scan. Immutable. */
    public record Result(long rows, long bytes, double seconds) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : Double.NaN;
        }
    }

    /** Scans the H2 database the store keeps under {@code dataDir} ({@code db/keel}). */
    public static Result h2(StoreClasses store, Path dataDir, ExportQuery query) {
        Driver driver = (Driver) store.instance("org.h2.Driver");
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("keel")
                + ";ACCESS_MODE_DATA=r;LAZY_QUERY_EXECUTION=1";
        Properties props = new Properties();
        props.setProperty("user", "sa");
        props.setProperty("password", "");
        long start = System.nanoTime();
        try (Connection c = driver.connect(url, props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query.select(""))) {
            int cols = rs.getMetaData().getColumnCount();
            StringBuilder line = new StringBuilder(256);
            long rows = 0;
            long bytes = 0;
            while (rs.next()) {
                line.setLength(0);
                for (int i = 1; i <= cols; i++) {
                    if (i > 1) {
                        line.append(',');
                    }
                    line.append(rs.getString(i));
                }
                line.append('\n');
                bytes += line.toString().getBytes(StandardCharsets.UTF_8).length;
                rows++;
            }
            return new Result(rows, bytes, (System.nanoTime() - start) / 1e9);
        } catch (SQLException e) {
            throw new BenchException("raw H2 scan of " + dataDir + " failed: " + e.getMessage(), e);
        }
    }
}
