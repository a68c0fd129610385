package io.keel.store.invoices;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.cpu.CpuWork;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.Routes;
import io.keel.store.accounts.Account;
import io.keel.store.accounts.AccountRepository;
import io.keel.store.accounts.Authenticator;
import io.keel.store.accounts.Principal;
import io.keel.store.catalog.Product;
import io.keel.store.catalog.ProductRepository;
import io.keel.store.orders.Order;
import io.keel.store.orders.OrderItem;
import io.keel.store.orders.OrderRoutes;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/orders/{id}/invoice.pdf}: the order is loaded on the request thread, the PDF is rendered on the
 * CPU pool under the task type {@code invoice}. Same visibility as the order itself (404 for other users' orders).
 */
public final class InvoiceRoutes {
    public static final String TASK = "invoice";
    private static final Party SELLER = new Party("Keel Demo Store Ltd.",
            List.of("1 Harbour Street", "Portsmouth PO1 2AB", "United Kingdom", "VAT GB 123 4567 89"));

    private final InvoiceRenderer renderer;
    private final CpuWork pool;
    private final Authenticator auth;
    private final OrderRoutes orders;
    private final AccountRepository accounts;
    private final ProductRepository products;

    public InvoiceRoutes(InvoiceRenderer renderer, CpuWork pool, Authenticator auth, OrderRoutes orders,
                         AccountRepository accounts, ProductRepository products) {
        this.renderer = renderer;
        this.pool = pool;
        this.auth = auth;
        this.orders = orders;
        this.accounts = accounts;
        this.products = products;
    }

    /** Register before the order routes, so the more specific path wins. */
    public void register(Routes routes) {
        routes.route(Method.GET, "/api/orders/{id}/invoice.pdf", Routes.Kind.HEAVY, this::invoice);
    }

    private void invoice(ServerRequest req, ServerResponse res) {
        Principal principal = auth.require(req);
        Order order = orders.visibleOrder(principal, Params.idPath(req, "id"));
        Account buyer = accounts.findById(order.userId()).orElseThrow();
        Map<Long, Product> catalog = products.findByIds(order.items().stream().map(OrderItem::productId).toList());
        List<Line> lines = order.items().stream()
                .map(item -> new Line(item.sku(),
                        catalog.containsKey(item.productId()) ? catalog.get(item.productId()).name() : item.sku(),
                        item.quantity(), item.unitPriceCents(), item.lineTotalCents()))
                .toList();
        Invoice invoice = new Invoice("INV-" + order.id(), order.createdAt(), SELLER,
                new Party(buyer.name(), List.of(buyer.email())), lines, order.totalCents(), order.currency());
        byte[] pdf = pool.run(TASK, () -> renderer.render(invoice));
        res.header(HeaderNames.CONTENT_TYPE, "application/pdf");
        res.header(HeaderNames.CONTENT_DISPOSITION, "inline; filename=\"invoice-" + order.id() + ".pdf\"");
        res.send(pdf);
    }
}
