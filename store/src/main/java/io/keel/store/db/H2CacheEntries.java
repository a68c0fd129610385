package io.keel.store.db;

import org.h2.mvstore.FileStore;
import org.h2.mvstore.cache.CacheLongKeyLIRS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Optional;

/**
 * Reads how many entries embedded H2's page cache keeps besides its resident pages, and the bound H2 puts on them.
 *
 * <p>Why: H2's page cache ({@link CacheLongKeyLIRS}) remembers pages it evicted as <em>non-resident</em> entries, each
 * an entry object and a {@code WeakReference} to the page (about 90 bytes), so that a page read again soon is
 * recognised as hot. Its used-memory figure counts only resident pages, so a soak's live heap rose with these entries
 * (issue 14: {@code CacheLongKeyLIRS$Entry} +6,944 in 25 minutes) with nothing to tell that growth from a leak. H2
 * bounds them by a multiple of the resident entries: {@code nonResidentQueueSize} times while their pages are
 * collected, up to {@code nonResidentQueueSizeHigh} times while the pages are still reachable (evicted pages in the
 * old generation stay reachable until G1's next marking cycle). H2 keeps the cache in a private field of
 * {@link FileStore} and builds it with the default {@link CacheLongKeyLIRS.Config}, which is where the multiple comes
 * from; the entry counts themselves are public methods of the cache.
 *
 * <p>If a later H2 renames the field, {@link #of} answers empty and logs once, and the gauges read NaN: the store runs
 * as before, only without this figure. Stateless.
 */
final class H2CacheEntries {
    private static final Logger LOG = LoggerFactory.getLogger(H2CacheEntries.class);
    /** The multiple of resident entries H2 keeps non-resident entries up to (its default configuration's). */
    static final int NON_RESIDENT_PER_RESIDENT = new CacheLongKeyLIRS.Config().nonResidentQueueSizeHigh;
    private static final Optional<Field> CACHE = cacheField();

    /** Counts of one moment: resident pages and non-resident entries. */
    record Counts(int resident, int nonResident) {
        /** H2's bound on the non-resident entries at this resident count. */
        long nonResidentBound() {
            return (long) NON_RESIDENT_PER_RESIDENT * resident;
        }
    }

    private H2CacheEntries() {
    }

    /** The page cache's counts, or empty when this H2 keeps it where {@link #CACHE} does not find it. */
    static Optional<Counts> of(FileStore<?> file) {
        return CACHE.flatMap(field -> {
            try {
                CacheLongKeyLIRS<?> cache = (CacheLongKeyLIRS<?>) field.get(file);
                return cache == null ? Optional.empty() : Optional.of(new Counts(cache.size(), cache.sizeNonResident()));
            } catch (IllegalAccessException | ClassCastException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<Field> cacheField() {
        try {
            Field field = FileStore.class.getDeclaredField("cache");
            field.setAccessible(true);
            return Optional.of(field);
        } catch (NoSuchFieldException | RuntimeException e) { // RuntimeException: InaccessibleObjectException
            LOG.info("H2's page cache entry counts are not available in this H2 version ({}); "
                    + "keel_db_h2_cache_entries reads NaN", e.toString());
            return Optional.empty();
        }
    }
}
