package io.keel.store.orders;

import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.Role;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.DatabaseTestBase;
import io.keel.store.db.InvalidCursorException;
import io.keel.store.db.Page;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Newest-first cursor paging of a user's orders on every supported database. */
abstract class OrderPagingContract extends DatabaseTestBase {
    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123456Z");
    private OrderRepository orders;
    private long user;
    private long otherUser;
    private final List<Order> placed = new ArrayList<>();

    @BeforeAll
    void placeOrders() {
        orders = new OrderRepository(db.dataSource(), db.dialect());
        AccountRepository accounts = new AccountRepository(db.dataSource());
        user = accounts.create("pager@example.com", "Pager", Role.CUSTOMER, "hash", NOW).orElseThrow().id();
        otherUser = accounts.create("other@example.com", "Other", Role.CUSTOMER, "hash", NOW).orElseThrow().id();
        Product pen = new ProductRepository(db.dataSource()).create("PEN", "Pen", 150, "EUR");
        List<OrderItem> items = List.of(OrderItem.of(pen.id(), pen.sku(), 1, pen.priceCents()));
        for (int i = 0; i < 23; i++) {
            // Groups of three share a timestamp, so ties must be broken by id without losing or repeating orders;
            // placement order is not time order.
            Instant at = NOW.minusSeconds((i * 7L % 23) / 3 * 60);
            placed.add(orders.place(user, Optional.empty(), items, "EUR", at).order());
            orders.place(otherUser, Optional.empty(), items, "EUR", at);
        }
    }

    @Test
    void pagesWalkAllOrdersNewestFirstWithoutGapsOrDuplicates() {
        List<Order> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Page<Order> page = orders.pageForUser(user, 5, cursor);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(5);
            seen.addAll(page.items());
            cursor = page.next();
        } while (cursor.isPresent());

        List<Order> expected = placed.stream()
                .sorted(Comparator.comparing(Order::createdAt).thenComparing(Order::id).reversed())
                .toList();
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void anExactlyFullLastPageHasNoNextCursor() {
        Page<Order> all = orders.pageForUser(user, 23, Optional.empty());

        assertThat(all.items()).hasSize(23).allSatisfy(order -> assertThat(order.userId()).isEqualTo(user));
        assertThat(all.next()).isEmpty();
        assertThat(orders.pageForUser(user, 22, Optional.empty()).next()).isPresent();
    }

    @Test
    void aUserWithoutOrdersGetsAnEmptyPage() {
        Page<Order> page = orders.pageForUser(Long.MAX_VALUE, 10, Optional.empty());

        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
    }

    @Test
    void cursorsThatThisServiceDidNotIssueAreRejected() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        List<String> invalid = List.of("", "not base64!",
                base64.encodeToString("12345".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("abc:1".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("1:0".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("99999999999999999999:1".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString(("9223372036854775807:1").getBytes(StandardCharsets.UTF_8)));

        for (String cursor : invalid) {
            assertThatThrownBy(() -> orders.pageForUser(user, 5, Optional.of(cursor)))
                    .as(cursor).isInstanceOf(InvalidCursorException.class);
        }
    }

    @Test
    void outOfRangeLimitsAreRejected() {
        assertThatThrownBy(() -> orders.pageForUser(user, 0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit was 0");
    }
}
