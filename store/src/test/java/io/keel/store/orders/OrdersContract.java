package io.keel.store.orders;

import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.Role;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.DataAccessException;
import io.keel.store.db.DatabaseTestBase;
import io.keel.store.db.Jdbc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Placement, idempotency and lookup of orders on every supported database. Paging is in
 * {@link OrderPagingContract}.
 */
abstract class OrdersContract extends DatabaseTestBase {
    static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123456789Z");
    private final AtomicInteger users = new AtomicInteger();
    private OrderRepository orders;
    private Product mug;
    private Product lamp;

    @BeforeAll
    void createCatalog() {
        orders = new OrderRepository(db.dataSource(), db.dialect());
        ProductRepository products = new ProductRepository(db.dataSource());
        mug = products.create("MUG", "Mug", 1_250, "USD");
        lamp = products.create("LAMP", "Lamp", 4_999, "USD");
    }

    private long newUser() {
        return new AccountRepository(db.dataSource())
                .create("orders" + users.incrementAndGet() + "@example.com", "Buyer", Role.CUSTOMER, "hash", NOW)
                .orElseThrow().id();
    }

    private List<OrderItem> twoMugsAndALamp() {
        return List.of(OrderItem.of(mug.id(), mug.sku(), 2, mug.priceCents()),
                OrderItem.of(lamp.id(), lamp.sku(), 1, lamp.priceCents()));
    }

    @Test
    void aPlacedOrderHasItsTotalAndReadsBackEqual() {
        long user = newUser();

        OrderPlacement placement = orders.place(user, Optional.empty(), twoMugsAndALamp(), "USD", NOW);

        Order order = placement.order();
        assertThat(placement.created()).isTrue();
        assertThat(order.totalCents()).isEqualTo(2 * 1_250 + 4_999);
        assertThat(order.items()).extracting(OrderItem::lineTotalCents).containsExactly(2_500L, 4_999L);
        assertThat(order.status()).isEqualTo("placed");
        assertThat(order.createdAt()).isEqualTo(Instant.parse("2025-03-01T10:15:30.123456Z"));
        assertThat(orders.findById(order.id())).contains(order);
        assertThat(testDb.count("SELECT item_count FROM orders WHERE id = " + order.id())).isEqualTo(2);
    }

    @Test
    void reusingAnIdempotencyKeyWithTheSameLinesReturnsTheOriginalOrder() {
        long user = newUser();
        Order first = orders.place(user, Optional.of("key-1"), twoMugsAndALamp(), "USD", NOW).order();

        OrderPlacement again = orders.place(user, Optional.of("key-1"), twoMugsAndALamp(), "USD", NOW.plusSeconds(5));

        assertThat(again.created()).isFalse();
        assertThat(again.order()).isEqualTo(first);
        assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE user_id = " + user)).isEqualTo(1);
    }

    @Test
    void reusingAnIdempotencyKeyWithOtherLinesIsRefusedAndCreatesNothing() {
        long user = newUser();
        orders.place(user, Optional.of("key-2"), twoMugsAndALamp(), "USD", NOW);

        assertThatThrownBy(() -> orders.place(user, Optional.of("key-2"),
                List.of(OrderItem.of(mug.id(), mug.sku(), 9, mug.priceCents())), "USD", NOW.plusSeconds(5)))
                .isInstanceOf(IdempotencyKeyReusedException.class).hasMessageContaining("key-2");
        assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE user_id = " + user)).isEqualTo(1);
    }

    @Test
    void anOrderPlacedBeforeFingerprintsWereStoredStillReplays() {
        long user = newUser();
        Order first = orders.place(user, Optional.of("legacy"), twoMugsAndALamp(), "USD", NOW).order();
        testDb.update("UPDATE orders SET idempotency_fingerprint = NULL WHERE id = " + first.id());

        OrderPlacement again = orders.place(user, Optional.of("legacy"),
                List.of(OrderItem.of(mug.id(), mug.sku(), 9, mug.priceCents())), "USD", NOW.plusSeconds(5));

        assertThat(again.created()).isFalse();
        assertThat(again.order()).isEqualTo(first);
    }

    @Test
    void twentyRacingPlacementsWithOneKeyCreateExactlyOneOrder() throws Exception {
        long user = newUser();
        int threads = 20;
        CountDownLatch start = new CountDownLatch(1);
        List<OrderPlacement> placements;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<OrderPlacement>> futures = IntStream.range(0, threads)
                    .mapToObj(i -> executor.submit(() -> {
                        start.await();
                        return orders.place(user, Optional.of("race"), twoMugsAndALamp(), "USD", NOW);
                    }))
                    .toList();
            start.countDown();
            placements = futures.stream().map(OrdersContract::join).toList();
        }

        assertThat(placements).extracting(p -> p.order().id()).containsOnly(placements.getFirst().order().id());
        assertThat(placements).filteredOn(OrderPlacement::created).hasSize(1);
        assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE user_id = " + user)).isEqualTo(1);
        assertThat(testDb.count("SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id"
                + " WHERE o.user_id = " + user)).isEqualTo(2);
    }

    @Test
    void aPlacementRacingAnUncommittedOrderWithItsKeyReturnsThatOrderOnceCommitted() throws Exception {
        long user = newUser();
        try (Connection other = db.dataSource().getConnection()) {
            other.setAutoCommit(false);
            long pendingId = insertOrderRow(other, user, "pending");
            var placing = new CompletableFuture<OrderPlacement>();
            Thread placer = Thread.ofVirtual().start(() -> {
                try {
                    placing.complete(orders.place(user, Optional.of("pending"), twoMugsAndALamp(), "USD", NOW));
                } catch (RuntimeException e) {
                    placing.completeExceptionally(e);
                }
            });
            // The placer cannot see the uncommitted row, so it goes on to insert and has to wait for the other
            // transaction there (PostgreSQL on the unique index entry, H2 already on the identity sequence).
            await().atMost(Duration.ofSeconds(5)).until(() -> placing.isDone() || isInserting(placer));
            other.commit();

            OrderPlacement placement = placing.get(10, TimeUnit.SECONDS);
            assertThat(placement.created()).isFalse();
            assertThat(placement.order().id()).isEqualTo(pendingId);
        }
        assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE user_id = " + user)).isEqualTo(1);
    }

    @Test
    void theDatabaseItselfRefusesASecondOrderWithTheSameUserAndKey() throws SQLException {
        long user = newUser();
        try (Connection connection = db.dataSource().getConnection()) {
            insertOrderRow(connection, user, "dup");
            assertThatThrownBy(() -> insertOrderRow(connection, user, "dup"))
                    .isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(Jdbc.isUniqueViolation(e)).as(e.getMessage()).isTrue());
        }
    }

    private static boolean isInserting(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals(OrderRepository.class.getName()) && frame.getMethodName().equals("insert"));
    }

    private static long insertOrderRow(Connection connection, long user, String key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders"
                + " (user_id, idempotency_key, total_cents, currency, status, created_at, item_count)"
                + " VALUES (?, ?, 0, 'USD', 'placed', CURRENT_TIMESTAMP, 0)", new String[] {"id"})) {
            insert.setLong(1, user);
            insert.setString(2, key);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    @Test
    void theSameKeyFromAnotherUserOrNoKeyCreatesNewOrders() {
        long alice = newUser();
        long bob = newUser();

        Order forAlice = orders.place(alice, Optional.of("shared"), twoMugsAndALamp(), "USD", NOW).order();
        Order forBob = orders.place(bob, Optional.of("shared"), twoMugsAndALamp(), "USD", NOW).order();
        Order unkeyed1 = orders.place(alice, Optional.empty(), twoMugsAndALamp(), "USD", NOW).order();
        Order unkeyed2 = orders.place(alice, Optional.empty(), twoMugsAndALamp(), "USD", NOW).order();

        assertThat(List.of(forAlice.id(), forBob.id(), unkeyed1.id(), unkeyed2.id())).doesNotHaveDuplicates();
    }

    @Test
    void aFailingItemRollsBackTheWholeOrder() {
        long user = newUser();
        List<OrderItem> withUnknownProduct = List.of(OrderItem.of(mug.id(), mug.sku(), 1, mug.priceCents()),
                OrderItem.of(987_654L, "GHOST", 1, 100));

        assertThatThrownBy(() -> orders.place(user, Optional.of("k"), withUnknownProduct, "USD", NOW))
                .isInstanceOf(DataAccessException.class);
        assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE user_id = " + user)).isZero();
        assertThat(orders.place(user, Optional.of("k"), twoMugsAndALamp(), "USD", NOW).created()).isTrue();
    }

    @Test
    void invalidOrdersAreRejectedBeforeTouchingTheDatabase() {
        long user = newUser();
        assertThatThrownBy(() -> orders.place(user, Optional.empty(), List.of(), "USD", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 items");
        assertThatThrownBy(() -> orders.place(user, Optional.empty(), twoMugsAndALamp(), "usd", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("currency");
        assertThatThrownBy(() -> orders.place(user, Optional.of(""), twoMugsAndALamp(), "USD", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency key");
        assertThatThrownBy(() -> new OrderItem(1, "X", 2, 100, 199))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lineTotalCents");
        assertThatThrownBy(() -> OrderItem.of(1, "X", 0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThat(testDb.count("SELECT COUNT(*) FROM orders WHERE user_id = " + user)).isZero();
    }

    @Test
    void anOrderOfManyLinesReadsBackInLineOrderAloneAndInAPage() {
        long user = newUser();
        List<OrderItem> lines = IntStream.rangeClosed(1, 12)
                .mapToObj(q -> q % 2 == 0 ? OrderItem.of(mug.id(), mug.sku(), q, mug.priceCents())
                        : OrderItem.of(lamp.id(), lamp.sku(), q, lamp.priceCents()))
                .toList();

        Order order = orders.place(user, Optional.empty(), lines, "USD", NOW).order();

        assertThat(orders.findById(order.id())).hasValueSatisfying(read -> {
            assertThat(read).isEqualTo(order);
            assertThat(read.items()).extracting(OrderItem::quantity)
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        });
        assertThat(orders.pageForUser(user, 10, Optional.empty()).items()).containsExactly(order);
    }

    @Test
    void anUnknownOrderIsEmpty() {
        assertThat(orders.findById(Long.MAX_VALUE)).isEmpty();
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
