package io.keel.store.uploads;

import io.keel.store.http.StoreUnderTest;

import java.util.HashMap;
import java.util.Map;

/**
 * Every upload test with the bytes in the database ({@code upload-store=database}) in 4 KiB chunks, so a body of a
 * few hundred KiB spans many chunks and ranges cross their boundaries.
 */
class DatabaseUploadsH2Test extends UploadsHttpTest {
    static Map<String, String> databaseStore(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("upload-store", "database");
        all.put("upload-chunk-size", "4k");
        return all;
    }

    static long chunkBytes(StoreUnderTest store, String id) {
        return store.count("SELECT COALESCE(SUM(OCTET_LENGTH(data)), 0) FROM upload_chunks WHERE upload_id = '"
                + id + "'");
    }

    @Override
    protected StoreUnderTest start(Map<String, String> settings) {
        return StoreUnderTest.h2(databaseStore(settings));
    }

    @Override
    protected long storedBytes(StoreUnderTest store, String id) {
        return chunkBytes(store, id);
    }
}
