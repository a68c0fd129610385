package io.keel.store.db;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a keyset-paged listing.
 *
 * @param items the rows of this page, in listing order, never more than the requested limit
 * @param next  the cursor that continues after the last item; empty when this is the last page
 */
public record Page<T>(List<T> items, Optional<String> next) {
    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(next, "next");
    }
}
