package io.keel.store.http;

import io.keel.store.db.TestDatabase;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the contracts that run the store as a separate JVM ({@link StoreProcess}): a fresh data directory (and
 * PostgreSQL schema) per test, and everything the test opened closed after it, last opened first.
 */
abstract class ProcessStoreContract {
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    protected abstract Backend backend();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
        cleanup.clear();
    }

    /** Closes {@code closeable} after the test. */
    protected <T extends AutoCloseable> T closeAfter(T closeable) {
        cleanup.add(closeable);
        return closeable;
    }

    /**
     * Flags for a store on a new data directory (and a new schema on PostgreSQL): any port on loopback, the test
     * operator token, cheap password hashing ({@link StoreUnderTest#settings}), then {@code extra}.
     */
    protected List<String> flags(String... extra) throws IOException {
        Path dataDir = Files.createTempDirectory("keel-store-process");
        cleanup.add(() -> StoreUnderTest.deleteRecursively(dataDir));
        List<String> flags = new ArrayList<>(StoreUnderTest.flags(StoreUnderTest.settings(dataDir)));
        if (backend() == Backend.POSTGRES) {
            flags.add("--db-url=" + closeAfter(TestDatabase.postgres()).settings().jdbcUrl());
        }
        flags.addAll(List.of(extra));
        return flags;
    }
}
