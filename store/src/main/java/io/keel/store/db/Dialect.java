package io.keel.store.db;

import java.util.Locale;

/** The SQL databases the store runs on. Repositories write portable SQL; the dialect only picks bulk-load paths. */
public enum Dialect {
    H2,
    POSTGRESQL;

    /**
     * The dialect of a JDBC url.
     *
     * @throws IllegalArgumentException when the url names a database the store does not support
     */
    public static Dialect ofJdbcUrl(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database url '" + DbSettings.maskUrl(jdbcUrl)
                + "'; use jdbc:h2:..., jdbc:postgresql://host:port/db or postgresql://host:port/db");
    }
}
