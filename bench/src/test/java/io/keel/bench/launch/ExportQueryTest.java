package io.keel.bench.launch;

import io.keel.bench.BenchException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportQueryTest {
    @Test
    void theReferenceQueryIsTheServicesOwnSelectReadFromTheStoreClasses() {
        ExportQuery query;
        try (StoreClasses store = new StoreClasses(System.getProperty("java.class.path"))) {
            query = ExportQuery.fromStore(store);
        }
        // The store's exporter reads the stored item_count; the old reference counted order_items per order.
        assertThat(query.columns()).isEqualTo("id, user_id, created_at, status, currency, total_cents, item_count");
        assertThat(query.select("s1")).isEqualTo("SELECT id, user_id, created_at, status, currency, total_cents, "
                + "item_count FROM s1.orders ORDER BY created_at, id");
        assertThat(query.select("s1").toUpperCase()).containsOnlyOnce("SELECT").doesNotContain("COUNT(");
        assertThat(Psql.copySql("s1", query)).isEqualTo("COPY (" + query.select("s1") + ") TO STDOUT WITH CSV HEADER");
    }

    @Test
    void aColumnListThatIsNotPlainOrABadSchemaIsRefused() {
        assertThatThrownBy(() -> new ExportQuery("id, (SELECT 1)")).isInstanceOf(BenchException.class);
        assertThatThrownBy(() -> new ExportQuery("id").select("x; DROP")).isInstanceOf(BenchException.class);
    }
}
