package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.catalog.Product;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.keel.store.http.Problems.assertProblem;
import static io.keel.store.http.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/** Placing, reading and listing orders over HTTP, including idempotency and who may see what. */
abstract class OrdersHttpContract extends StoreContract {
    protected Product mug;
    protected Product lamp;
    protected Product euroBook;

    @BeforeAll
    void createCatalog() {
        mug = store.product(1_250, "USD");
        lamp = store.product(4_999, "USD");
        euroBook = store.product(900, "EUR");
    }

    protected String twoMugsAndALamp() {
        return items(line(mug.id(), 2), line(lamp.id(), 1));
    }

    static String line(long productId, long quantity) {
        return "{\"productId\":" + productId + ",\"quantity\":" + quantity + "}";
    }

    static String items(String... lines) {
        return "{\"items\":[" + String.join(",", lines) + "]}";
    }

    protected JsonNode place(Api.User user, String body) {
        HttpResponse<String> res = api.post("/api/orders", user.token(), body);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return Api.json(res);
    }

    @Test
    void placingAnOrderAnswers201WithLinesTotalsAndLocation() {
        Api.User user = api.newUser();
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> res = api.post("/api/orders", user.token(), twoMugsAndALamp());

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        JsonNode order = Api.json(res);
        assertThat(order.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                "id", "userId", "items", "totalCents", "currency", "status", "createdAt");
        assertThat(res.headers().firstValue("Location")).hasValue("/api/orders/" + order.get("id").asLong());
        assertThat(order.get("userId").asLong()).isEqualTo(user.id());
        assertThat(order.get("status").asText()).isEqualTo("placed");
        assertThat(order.get("currency").asText()).isEqualTo("USD");
        assertThat(Instant.parse(order.get("createdAt").asText())).isBetween(before, Instant.now().plusSeconds(1));
        JsonNode first = order.get("items").get(0);
        assertThat(first.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                "productId", "sku", "quantity", "unitPriceCents", "lineTotalCents");
        assertThat(first.get("productId").asLong()).isEqualTo(mug.id());
        assertThat(first.get("sku").asText()).isEqualTo(mug.sku());
        assertThat(first.get("quantity").asInt()).isEqualTo(2);
        assertThat(first.get("unitPriceCents").asLong()).isEqualTo(1_250);
        assertThat(first.get("lineTotalCents").asLong()).isEqualTo(2_500);
        assertThat(order.get("items").get(1).get("lineTotalCents").asLong()).isEqualTo(4_999);
        assertThat(order.get("totalCents").asLong()).isEqualTo(2_500 + 4_999);
    }

    @Test
    void aQuantityOutsideOneTo1000Is400AndTheBoundsAreAccepted() {
        Api.User user = api.newUser();
        for (long quantity : new long[] {0, -1, 1001}) {
            JsonNode problem = assertProblem(api.post("/api/orders", user.token(), items(line(mug.id(), quantity))),
                    400);
            assertThat(fields(problem)).as("quantity %d", quantity).containsExactly("items[0].quantity");
        }
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isZero();

        assertThat(place(user, items(line(mug.id(), 1))).get("totalCents").asLong()).isEqualTo(1_250);
        assertThat(place(user, items(line(mug.id(), 1000))).get("totalCents").asLong()).isEqualTo(1_250_000);
    }

    @Test
    void anUnknownProductIs422AndNothingIsStored() {
        Api.User user = api.newUser();
        assertProblem(api.post("/api/orders", user.token(), items(line(mug.id(), 1), line(987_654_321L, 1))), 422);
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isZero();
    }

    @Test
    void itemsInTwoCurrenciesAre422() {
        Api.User user = api.newUser();
        assertProblem(api.post("/api/orders", user.token(), items(line(mug.id(), 1), line(euroBook.id(), 1))), 422);
    }

    @Test
    void noItemsOrAnItemWithoutProductIs400() {
        Api.User user = api.newUser();
        assertThat(fields(assertProblem(api.post("/api/orders", user.token(), "{\"items\":[]}"), 400)))
                .containsExactly("items");
        assertThat(fields(assertProblem(api.post("/api/orders", user.token(), "{}"), 400))).containsExactly("items");
        assertThat(fields(assertProblem(api.post("/api/orders", user.token(), "{\"items\":[{\"quantity\":1}]}"),
                400))).containsExactly("items[0].productId");
        assertThat(fields(assertProblem(api.post("/api/orders", user.token(), "{\"items\":[null]}"), 400)))
                .containsExactly("items[0]");
    }

    @Test
    void placingWithoutOrWithABogusTokenIs401AndWithTheOperatorTokenIs403() {
        assertProblem(api.post("/api/orders", twoMugsAndALamp()), 401);
        assertProblem(api.post("/api/orders", "bogus-token", twoMugsAndALamp()), 401);
        assertProblem(api.send(Api.jsonPost(api.request("/api/orders").header("Authorization", "Basic dXNlcjpwdw=="),
                twoMugsAndALamp())), 401);
        assertProblem(api.post("/api/orders", StoreUnderTest.OPERATOR_TOKEN, twoMugsAndALamp()), 403);
    }

    @Test
    void anOwnOrderReadsBackEqualAndAnotherUsersOrderIs404() {
        Api.User alice = api.newUser();
        Api.User bob = api.newUser();
        JsonNode order = place(alice, twoMugsAndALamp());
        String path = "/api/orders/" + order.get("id").asLong();

        HttpResponse<String> own = api.get(path, alice.token());
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(Api.json(own)).isEqualTo(order);

        JsonNode hidden = assertProblem(api.get(path, bob.token()), 404);
        JsonNode missing = assertProblem(api.get("/api/orders/987654321", bob.token()), 404);
        assertThat(hidden.get("title")).isEqualTo(missing.get("title"));
        assertProblem(api.get(path), 401);
    }

    @Test
    void aNonNumericOrNonPositiveOrderIdIs404() {
        Api.User user = api.newUser();
        for (String id : new String[] {"abc", "0", "-5", "1.5", "99999999999999999999999"}) {
            assertProblem(api.get("/api/orders/" + id, user.token()), 404);
        }
    }

    @Test
    void theOperatorAndAnAdminUserSeeEveryonesOrders() {
        Api.User customer = api.newUser();
        JsonNode order = place(customer, twoMugsAndALamp());
        String path = "/api/orders/" + order.get("id").asLong();
        Api.User admin = api.newUser();
        assertProblem(api.get(path, admin.token()), 404);

        assertThat(store.update("UPDATE accounts SET role = 'admin' WHERE id = ?", admin.id())).isEqualTo(1);
        // A session's role is read when the session is first used (on embedded H2 it is then kept in memory); the
        // store changes no role itself, so a promotion by hand takes effect with the next sign-in.
        String adminToken = api.signIn(admin.email(), Api.PASSWORD);

        HttpResponse<String> asAdmin = api.get(path, adminToken);
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat(Api.json(asAdmin)).isEqualTo(order);
        HttpResponse<String> asOperator = api.get(path, StoreUnderTest.OPERATOR_TOKEN);
        assertThat(asOperator.statusCode()).isEqualTo(200);
        assertThat(Api.json(asOperator)).isEqualTo(order);
    }

    @Test
    void listingShowsOnlyOwnOrdersNewestFirstAcrossPagesWithoutDuplicates() {
        Api.User user = api.newUser();
        Api.User other = api.newUser();
        List<Long> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(place(user, items(line(mug.id(), i + 1))).get("id").asLong());
            place(other, items(line(lamp.id(), 1)));
        }

        List<Long> listed = new ArrayList<>();
        String path = "/api/orders?limit=2";
        int pages = 0;
        while (true) {
            HttpResponse<String> res = api.get(path, user.token());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode page = Api.json(res);
            page.get("items").forEach(order -> {
                assertThat(order.get("userId").asLong()).isEqualTo(user.id());
                listed.add(order.get("id").asLong());
            });
            pages++;
            if (page.get("next").isNull()) {
                break;
            }
            assertThat(pages).as("pages").isLessThan(5);
            path = "/api/orders?limit=2&after=" + URLEncoder.encode(page.get("next").asText(),
                    StandardCharsets.UTF_8);
        }

        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyElementsOf(placed.reversed());
    }

    @Test
    void listingWithABadLimitOrCursorIs400AndWithoutTokenIs401() {
        Api.User user = api.newUser();
        assertThat(fields(assertProblem(api.get("/api/orders?limit=0", user.token()), 400))).containsExactly("limit");
        assertThat(fields(assertProblem(api.get("/api/orders?limit=501", user.token()), 400)))
                .containsExactly("limit");
        assertThat(fields(assertProblem(api.get("/api/orders?after=not-a-cursor", user.token()), 400)))
                .containsExactly("after");
        assertProblem(api.get("/api/orders"), 401);
        assertThat(Api.json(api.get("/api/orders", user.token())).get("next").isNull()).isTrue();
    }

    @Test
    void replayingAnIdempotencyKeyReturnsTheOriginalOrderAndCreatesNoOther() {
        Api.User user = api.newUser();
        HttpResponse<String> first = api.send(Api.jsonPost(api.request("/api/orders", user.token())
                .header("Idempotency-Key", "replay-1"), twoMugsAndALamp()));
        // the same request written differently (spacing) is the same request
        HttpResponse<String> again = api.send(Api.jsonPost(api.request("/api/orders", user.token())
                .header("Idempotency-Key", "replay-1"), twoMugsAndALamp().replace(",", " , ")));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isIn(200, 201);
        assertThat(Api.json(again)).isEqualTo(Api.json(first));
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isEqualTo(1);

        Api.User other = api.newUser();
        HttpResponse<String> otherUser = api.send(Api.jsonPost(api.request("/api/orders", other.token())
                .header("Idempotency-Key", "replay-1"), twoMugsAndALamp()));
        assertThat(otherUser.statusCode()).isEqualTo(201);
        assertThat(Api.json(otherUser).get("id")).isNotEqualTo(Api.json(first).get("id"));
    }

    @Test
    void reusingAnIdempotencyKeyWithADifferentBodyIs422AndCreatesNothing() {
        Api.User user = api.newUser();
        assertThat(api.send(Api.jsonPost(api.request("/api/orders", user.token())
                .header("Idempotency-Key", "bound-1"), twoMugsAndALamp())).statusCode()).isEqualTo(201);
        for (String other : List.of(items(line(mug.id(), 9)), items(line(mug.id(), 2)),
                items(line(lamp.id(), 1), line(mug.id(), 2)), items(line(mug.id(), 2), line(lamp.id(), 2)))) {
            JsonNode problem = assertProblem(api.send(Api.jsonPost(api.request("/api/orders", user.token())
                    .header("Idempotency-Key", "bound-1"), other)), 422);
            assertThat(problem.get("detail").asText()).contains("Idempotency-Key", "different request body");
        }
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isEqualTo(1);
    }

    @Test
    void aMalformedIdempotencyKeyIs400() {
        Api.User user = api.newUser();
        for (String key : new String[] {"has space", "k".repeat(256), "tab\tinside"}) {
            JsonNode problem = assertProblem(api.send(Api.jsonPost(api.request("/api/orders", user.token())
                    .header("Idempotency-Key", key), twoMugsAndALamp())), 400);
            assertThat(fields(problem)).containsExactly("Idempotency-Key");
        }
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isZero();
    }
}
