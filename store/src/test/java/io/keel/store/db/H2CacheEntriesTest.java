package io.keel.store.db;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class H2CacheEntriesTest {
    @TempDir
    Path dir;

    @Test
    void countsTheEntriesKeptForEvictedPagesWithinH2sBound() {
        String file = dir.resolve("cache.mv.db").toString();
        try (MVStore store = new MVStore.Builder().fileName(file).open()) {
            MVMap<Integer, String> map = store.openMap("rows");
            for (int i = 0; i < 40_000; i++) {
                map.put(i, "row " + i + " ".repeat(100));
            }
            store.commit();
        }
        // A 1 MB cache over about 5 MB of pages: reading every row evicts pages, which LIRS remembers non-resident.
        try (MVStore store = new MVStore.Builder().fileName(file).cacheSize(1).open()) {
            MVMap<Integer, String> map = store.openMap("rows");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 40_000; i++) {
                    assertThat(map.get(i)).startsWith("row " + i);
                }
            }
            H2CacheEntries.Counts counts = H2CacheEntries.of(store.getFileStore()).orElseThrow();
            assertThat(counts.resident()).isPositive();
            assertThat(counts.nonResident()).isPositive().isLessThanOrEqualTo((int) counts.nonResidentBound());
            assertThat(counts.nonResidentBound())
                    .isEqualTo((long) H2CacheEntries.NON_RESIDENT_PER_RESIDENT * counts.resident());
            assertThat(H2CacheEntries.NON_RESIDENT_PER_RESIDENT).as("H2's default nonResidentQueueSizeHigh, read from "
                    + "the H2 on the class path").isEqualTo(12);
        }
    }
}
