package io.keel.store.orders;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.ProblemException.FieldError;
import io.keel.runtime.http.Routes;
import io.keel.store.accounts.Account;
import io.keel.store.accounts.Authenticator;
import io.keel.store.accounts.Principal;
import io.keel.store.catalog.CatalogRoutes.PageView;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.db.InvalidCursorException;
import io.keel.store.db.Page;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Placing and reading orders. Placement is idempotent per user and {@code Idempotency-Key}, enforced by a unique
 * constraint in the database, so concurrent retries on any number of processes create one order. Other users'
 * orders answer 404, never 403, so existence is not revealed. Thread-safe.
 */
public final class OrderRoutes {
    public static final int MAX_LINES = 100;
    public static final int MAX_QUANTITY = 1000;
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    record PlaceOrder(List<Line> items) {
    }

    record Line(Long productId, Integer quantity) {
    }

    private final OrderRepository orders;
    private final ProductRepository products;
    private final Authenticator auth;
    private final BusinessMetrics metrics;
    private final Consumer<Order> onPlaced;
    private final Json json;
    private final long maxBody;
    private final Clock clock;

    /**
     * @param onPlaced told of every newly created order (not of idempotent replays), e.g. to publish an event; must
     *                 not block
     */
    public OrderRoutes(OrderRepository orders, ProductRepository products, Authenticator auth, BusinessMetrics metrics,
                       Consumer<Order> onPlaced, Json json, long maxBody, Clock clock) {
        this.orders = orders;
        this.products = products;
        this.auth = auth;
        this.metrics = metrics;
        this.onPlaced = onPlaced;
        this.json = json;
        this.maxBody = maxBody;
        this.clock = clock;
    }

    /** Registers the order routes; more specific paths under /api/orders must be registered before this. */
    public void register(Routes routes) {
        routes.post("/api/orders", this::place)
                .get("/api/orders", this::list)
                .get("/api/orders/{id}", this::get);
    }

    /** The order {@code id} if {@code principal} may see it, else a 404. */
    public Order visibleOrder(Principal principal, long id) {
        return orders.findById(id)
                .filter(order -> principal.canSee(order.userId()))
                .orElseThrow(() -> ProblemException.notFound("no order " + id));
    }

    private void place(ServerRequest req, ServerResponse res) {
        Account user = auth.requireUser(req);
        Optional<String> key = req.headers().first(HeaderNames.create("Idempotency-Key"));
        if (key.isPresent() && !KEY.matcher(key.get()).matches()) {
            throw ProblemException.invalid(List.of(new FieldError("Idempotency-Key",
                    "must be 1..255 visible ASCII characters")));
        }
        PlaceOrder body = json.read(req, PlaceOrder.class, maxBody);
        List<Line> lines = validate(body);
        Map<Long, Product> catalog = products.findByIds(lines.stream().map(Line::productId).toList());
        List<OrderItem> items = new ArrayList<>(lines.size());
        String currency = null;
        for (Line line : lines) {
            Product product = catalog.get(line.productId());
            if (product == null) {
                throw ProblemException.unprocessable("unknown product " + line.productId());
            }
            if (currency != null && !currency.equals(product.currency())) {
                throw ProblemException.unprocessable("all items of an order must share one currency; got "
                        + currency + " and " + product.currency());
            }
            currency = product.currency();
            items.add(OrderItem.of(product.id(), product.sku(), line.quantity(), product.priceCents()));
        }
        OrderPlacement placement = orders.place(user.id(), key, items, currency, clock.instant());
        Order order = placement.order();
        if (placement.created()) {
            metrics.placed(order);
            onPlaced.accept(order);
            res.header("Location", "/api/orders/" + order.id());
        } else {
            res.header("Idempotent-Replayed", "true");
        }
        json.write(res, placement.created() ? Status.CREATED_201 : Status.OK_200, order);
    }

    private static List<Line> validate(PlaceOrder body) {
        if (body.items() == null || body.items().isEmpty() || body.items().size() > MAX_LINES) {
            throw ProblemException.invalid(List.of(new FieldError("items", "must hold 1.." + MAX_LINES + " lines")));
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < body.items().size(); i++) {
            Line line = body.items().get(i);
            if (line == null) {
                errors.add(new FieldError("items[" + i + "]", "must be an object"));
                continue;
            }
            if (line.productId() == null) {
                errors.add(new FieldError("items[" + i + "].productId", "is required"));
            }
            if (line.quantity() == null || line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
                errors.add(new FieldError("items[" + i + "].quantity", "must be an integer in 1.." + MAX_QUANTITY));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return body.items();
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal principal = auth.require(req);
        json.write(res, Status.OK_200, visibleOrder(principal, Params.idPath(req, "id")));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Account user = auth.requireUser(req);
        int limit = Params.intQuery(req, "limit", 50, 1, 500);
        Page<Order> page;
        try {
            page = orders.pageForUser(user.id(), limit, Params.query(req, "after"));
        } catch (InvalidCursorException e) {
            throw Params.field("after", "is not a cursor from a previous page");
        }
        json.write(res, Status.OK_200, new PageView<>(page.items(), page.next().orElse(null)));
    }
}
