package io.keel.store.catalog;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;
import io.keel.runtime.http.Numbers;
import io.keel.runtime.http.Params;
import io.keel.runtime.http.Routes;
import io.keel.store.db.Page;

import java.util.List;
import java.util.Optional;

/** {@code GET /api/products}: the catalog, keyset-paged by id. Public. */
public final class CatalogRoutes {
    public static final int MAX_LIMIT = 500;
    public static final int DEFAULT_LIMIT = 50;

    private final ProductRepository products;
    private final Json json;

    public CatalogRoutes(ProductRepository products, Json json) {
        this.products = products;
        this.json = json;
    }

    public void register(Routes routes) {
        routes.get("/api/products", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = Params.intQuery(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Optional<Long> after = Params.query(req, "after").map(CatalogRoutes::cursor);
        Page<Product> page = products.page(limit, after);
        json.write(res, Status.OK_200, new PageView<>(page.items(), page.next().orElse(null)));
    }

    private static long cursor(String raw) {
        return Numbers.parseNonNegative(raw).orElseThrow(() ->
                Params.field("after", "is not a cursor from a previous page"));
    }

    /** The contract's page shape; {@code next} is JSON null on the last page. */
    public record PageView<T>(List<T> items, String next) {
    }
}
