package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.keel.store.http.Problems.assertProblem;
import static io.keel.store.http.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/products} over HTTP against the seeded demo catalog of 200 products. */
abstract class CatalogHttpContract extends StoreContract {
    private static final int SEEDED_PRODUCTS = 200;

    @Override
    protected Map<String, String> settings() {
        return Map.of("seed-orders", "20");
    }

    @Test
    void theFirstPageHoldsFiftyProductsInTheContractShape() {
        HttpResponse<String> res = api.get("/api/products");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode page = Api.json(res);
        assertThat(page.get("items")).hasSize(50);
        assertThat(page.get("next").isTextual()).isTrue();
        JsonNode first = page.get("items").get(0);
        assertThat(first.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("id", "sku", "name", "priceCents", "currency");
        assertThat(first.get("priceCents").isIntegralNumber()).isTrue();
        assertThat(first.get("currency").asText()).matches("[A-Z]{3}");
    }

    @Test
    void followingNextVisitsEveryProductOnceAndEndsWithNullNext() {
        List<Long> ids = new ArrayList<>();
        String path = "/api/products?limit=64";
        int pages = 0;
        while (true) {
            JsonNode page = Api.json(api.get(path));
            page.get("items").forEach(item -> ids.add(item.get("id").asLong()));
            pages++;
            assertThat(page.has("next")).isTrue();
            if (page.get("next").isNull()) {
                break;
            }
            assertThat(page.get("items")).hasSize(64);
            path = "/api/products?limit=64&after=" + page.get("next").asText();
        }

        assertThat(pages).isEqualTo(4);
        assertThat(ids).hasSize(SEEDED_PRODUCTS).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aPageThatFitsExactlyHasNullNext() {
        JsonNode all = Api.json(api.get("/api/products?limit=500"));
        assertThat(all.get("items")).hasSize(SEEDED_PRODUCTS);
        assertThat(all.get("next").isNull()).isTrue();

        JsonNode exact = Api.json(api.get("/api/products?limit=" + SEEDED_PRODUCTS));
        assertThat(exact.get("items")).hasSize(SEEDED_PRODUCTS);
        assertThat(exact.get("next").isNull()).isTrue();
    }

    @Test
    void aLimitOutsideOneTo500OrNotANumberIs400NamingTheLimit() {
        for (String limit : new String[] {"0", "501", "-1", "abc", "1.5", "99999999999"}) {
            JsonNode problem = assertProblem(api.get("/api/products?limit=" + limit), 400);
            assertThat(fields(problem)).as(limit).containsExactly("limit");
        }
        assertThat(Api.json(api.get("/api/products?limit=1")).get("items")).hasSize(1);
    }

    @Test
    void aCursorThatNoPageHandedOutIs400NamingAfter() {
        for (String cursor : new String[] {"xyz", "1.5", "%27%20OR%201%3D1"}) {
            JsonNode problem = assertProblem(api.get("/api/products?after=" + cursor), 400);
            assertThat(fields(problem)).as(cursor).containsExactly("after");
        }
    }
}
