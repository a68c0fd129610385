package io.keel.store.seed;

import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.Role;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.DataAccessException;
import io.keel.store.db.TestDatabase;
import io.keel.store.orders.OrderItem;
import io.keel.store.orders.OrderRepository;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Seeding on every supported database; each test gets its own empty database. */
abstract class SeederContract {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final SeedPlan SMALL = new SeedPlan(50, 40, 5_000, "$argon2id$demo", 42);
    private final Seeder seeder = new Seeder(Clock.fixed(NOW, ZoneOffset.UTC));

    protected abstract TestDatabase openDatabase();

    @Test
    void seedingAnEmptyDatabaseWritesTheRequestedCountsQuickly() {
        try (TestDatabase testDb = openDatabase()) {
            SeedReport report = seeder.seed(testDb.database(), SMALL);

            assertThat(report.skipped()).isFalse();
            assertThat(report.took()).isLessThan(Duration.ofSeconds(15));
            assertThat(testDb.count("SELECT COUNT(*) FROM accounts")).isEqualTo(50);
            assertThat(testDb.count("SELECT COUNT(*) FROM products")).isEqualTo(40);
            assertThat(testDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(5_000).isEqualTo(report.orders());
            assertThat(testDb.count("SELECT COUNT(*) FROM order_items")).isEqualTo(report.items())
                    .isBetween(5_000L * 2, 5_000L * 4);
            assertThat(testDb.count("SELECT COUNT(*) FROM products WHERE currency = 'EUR'")).isEqualTo(8);
            assertThat(testDb.count("SELECT COUNT(*) FROM accounts WHERE email = 'customer50@example.com'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void seededOrdersAreConsistent() {
        try (TestDatabase testDb = openDatabase()) {
            seeder.seed(testDb.database(), SMALL);

            assertThat(testDb.count("SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id"
                    + " JOIN products p ON p.id = i.product_id WHERE p.currency <> o.currency")).isZero();
            assertThat(testDb.count("SELECT COUNT(*) FROM orders o WHERE o.total_cents <>"
                    + " (SELECT SUM(i.line_total_cents) FROM order_items i WHERE i.order_id = o.id)")).isZero();
            assertThat(testDb.count("SELECT COUNT(*) FROM (SELECT order_id FROM order_items GROUP BY order_id"
                    + " HAVING COUNT(*) > 5) t")).isZero();
            assertThat(testDb.count("SELECT COUNT(*) FROM orders o WHERE o.item_count <>"
                    + " (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id)")).isZero();
            assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE currency = 'EUR'")).isBetween(500L, 1_500L);
            assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE created_at > CAST('2025-03-01 12:00:00+00'"
                    + " AS TIMESTAMP WITH TIME ZONE) OR created_at < CAST('2024-12-01 12:00:00+00' AS"
                    + " TIMESTAMP WITH TIME ZONE)")).isZero();
        }
    }

    @Test
    void rowsCreatedAfterSeedingGetFreshIds() {
        try (TestDatabase testDb = openDatabase()) {
            seeder.seed(testDb.database(), SMALL);
            var dataSource = testDb.database().dataSource();

            long user = new AccountRepository(dataSource)
                    .create("new@example.com", "New", Role.CUSTOMER, "hash", NOW).orElseThrow().id();
            Product product = new ProductRepository(dataSource).create("NEW-1", "New", 100, "USD");
            long order = new OrderRepository(dataSource, testDb.database().dialect()).place(user, Optional.empty(),
                    List.of(OrderItem.of(product.id(), product.sku(), 1, 100)), "USD", NOW).order().id();

            assertThat(user).isEqualTo(51);
            assertThat(product.id()).isEqualTo(41);
            assertThat(order).isEqualTo(5_001);
        }
    }

    @Test
    void constraintsAndIndexesAreInPlaceAfterSeeding() throws SQLException {
        try (TestDatabase testDb = openDatabase()) {
            seeder.seed(testDb.database(), SMALL);
            var orders = new OrderRepository(testDb.database().dataSource(), testDb.database().dialect());

            assertThatThrownBy(() -> orders.place(1, Optional.empty(),
                    List.of(OrderItem.of(999_999, "GHOST", 1, 100)), "USD", NOW))
                    .isInstanceOf(DataAccessException.class);
            assertThatThrownBy(() -> orders.place(999_999, Optional.empty(),
                    List.of(OrderItem.of(1, "KEEL-000001", 1, 100)), "USD", NOW))
                    .isInstanceOf(DataAccessException.class);
            assertThat(indexNames(testDb, "orders"))
                    .contains("orders_user_created_idx", "orders_created_idx");
        }
    }

    private static Set<String> indexNames(TestDatabase testDb, String table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection connection = testDb.database().dataSource().getConnection()) {
            for (String candidate : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet rows = connection.getMetaData()
                        .getIndexInfo(null, connection.getSchema(), candidate, false, false)) {
                    while (rows.next()) {
                        names.add(rows.getString("INDEX_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }

    @Test
    void aDatabaseThatHoldsDataIsSkippedWithoutMakingThePlanWhoseHashCostsCpu() {
        try (TestDatabase testDb = openDatabase()) {
            AtomicInteger plansMade = new AtomicInteger();
            Supplier<SeedPlan> plans = () -> {
                plansMade.incrementAndGet();
                return SMALL;
            };

            assertThat(seeder.seed(testDb.database(), plans).skipped()).isFalse();
            assertThat(seeder.seed(testDb.database(), plans).skipped()).isTrue();

            assertThat(plansMade).hasValue(1);
        }
    }

    @Test
    void aFailedSeedLeavesTheDatabaseEmptyAndWholeSoTheNextOneSucceeds() throws SQLException {
        try (TestDatabase testDb = openDatabase()) {
            SeedPlan tooLongHash = new SeedPlan(5, 5, 100, "x".repeat(300), 1);

            assertThatThrownBy(() -> seeder.seed(testDb.database(), tooLongHash))
                    .isInstanceOf(DataAccessException.class);
            for (String table : List.of("accounts", "products", "orders", "order_items")) {
                assertThat(testDb.count("SELECT COUNT(*) FROM " + table)).as(table).isZero();
            }
            assertThat(indexNames(testDb, "orders")).contains("orders_user_created_idx", "orders_created_idx");
            assertThat(seeder.seed(testDb.database(), SMALL).skipped()).isFalse();
        }
    }

    @Test
    void aDatabaseWithDataIsSkippedAndLeftUnchanged() {
        try (TestDatabase testDb = openDatabase()) {
            new ProductRepository(testDb.database().dataSource()).create("ONLY", "Only", 1, "USD");

            SeedReport report = seeder.seed(testDb.database(), SMALL);

            assertThat(report.skipped()).isTrue();
            assertThat(report.orders()).isZero();
            assertThat(testDb.count("SELECT COUNT(*) FROM products")).isEqualTo(1);
            assertThat(testDb.count("SELECT COUNT(*) FROM accounts")).isZero();
        }
    }

    @Test
    void theSameSeedGivesTheSameData() {
        SeedPlan plan = new SeedPlan(7, 9, 300, "hash", 7);
        String query = "SELECT SUM(o.id * o.user_id + o.total_cents) FROM orders o";
        long first;
        try (TestDatabase testDb = openDatabase()) {
            seeder.seed(testDb.database(), plan);
            first = testDb.count(query);
        }
        try (TestDatabase testDb = openDatabase()) {
            seeder.seed(testDb.database(), plan);
            assertThat(testDb.count(query)).isEqualTo(first);
        }
        try (TestDatabase testDb = openDatabase()) {
            seeder.seed(testDb.database(), new SeedPlan(7, 9, 300, "hash", 8));
            assertThat(testDb.count(query)).isNotEqualTo(first);
        }
    }

    @Test
    void impossiblePlansAreRejected() {
        assertThatThrownBy(() -> new SeedPlan(0, 5, 10, "hash", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one customer");
        assertThatThrownBy(() -> new SeedPlan(5, 5, -1, "hash", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SeedPlan(5, 5, 10, " ", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customerPasswordHash");
    }
}
