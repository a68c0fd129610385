package io.keel.store.invoices;

import java.util.List;
import java.util.Objects;

/** Seller or buyer as printed: a name and the address lines below it, in order. Immutable. */
public record Party(String name, List<String> addressLines) {
    public Party {
        Objects.requireNonNull(name, "name");
        addressLines = List.copyOf(addressLines);
    }
}
