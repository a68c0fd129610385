package io.keel.store.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the database contract tests: each concrete class (one per database) gets one migrated database for all
 * its tests, so tests in a class must not depend on each other's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTestBase {
    protected TestDatabase testDb;
    protected Database db;

    /** {@link TestDatabase#h2()} or {@link TestDatabase#postgres()}. */
    protected abstract TestDatabase openDatabase();

    @BeforeAll
    void openTestDatabase() {
        testDb = openDatabase();
        db = testDb.database();
    }

    @AfterAll
    void closeTestDatabase() {
        if (testDb != null) {
            testDb.close();
        }
    }
}
