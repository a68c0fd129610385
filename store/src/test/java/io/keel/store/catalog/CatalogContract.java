package io.keel.store.catalog;

import io.keel.store.db.DataAccessException;
import io.keel.store.db.DatabaseTestBase;
import io.keel.store.db.Page;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the product repository promises on every supported database. */
abstract class CatalogContract extends DatabaseTestBase {
    private ProductRepository products;
    private final List<Product> created = new ArrayList<>();

    @BeforeAll
    void createCatalog() {
        products = new ProductRepository(db.dataSource());
        for (int i = 1; i <= 7; i++) {
            created.add(products.create("SKU-" + i, "Product " + i, 100L * i, i % 3 == 0 ? "EUR" : "USD"));
        }
    }

    @Test
    void pagingVisitsEveryProductOnceInIdOrder() {
        List<Product> seen = new ArrayList<>();
        Optional<Long> after = Optional.empty();
        int pages = 0;
        do {
            Page<Product> page = products.page(3, after);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            seen.addAll(page.items());
            after = page.next().map(Long::parseLong);
            pages++;
        } while (after.isPresent());

        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void aPageThatReachesTheEndHasNoNextCursor() {
        Page<Product> all = products.page(7, Optional.empty());

        assertThat(all.items()).hasSize(7);
        assertThat(all.next()).isEmpty();
        assertThat(products.page(7, Optional.of(created.getLast().id())).items()).isEmpty();
    }

    @Test
    void findByIdsReturnsTheKnownProductsAndOmitsUnknownIds() {
        Product first = created.getFirst();
        Product third = created.get(2);

        assertThat(products.findByIds(List.of(first.id(), third.id(), first.id(), 999_999L)))
                .containsOnlyKeys(first.id(), third.id())
                .containsEntry(third.id(), third);
        assertThat(products.findByIds(List.of())).isEmpty();
    }

    @Test
    void outOfRangeLimitsAndInvalidProductsAreRejected() {
        assertThatThrownBy(() -> products.page(0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit was 0; allowed 1..1000");
        assertThatThrownBy(() -> products.page(1001, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> products.create("X-1", "Bad", -1, "USD"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> products.create("X-2", "Bad", 1, "usd"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> products.create("SKU-1", "Duplicate", 1, "USD"))
                .isInstanceOf(DataAccessException.class);
    }
}
