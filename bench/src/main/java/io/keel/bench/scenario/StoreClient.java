package io.keel.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.bench.BenchException;
import io.keel.bench.Loopback;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The few store calls a scenario needs for its setup (account, login, products, orders), and builders for the
 * requests it then sends under load. Setup failures throw {@link BenchException} with the route and the answer, so a
 * route the service does not have yet reads as such. Blocking. Thread-safe (immutable fields only).
 */
public final class StoreClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient client;

    public StoreClient(URI base, HttpClient client) {
        this.base = Loopback.require(base);
        this.client = client;
    }

    /** A freshly created customer with a session. Immutable. */
    public record User(String email, String password, String token) {
    }

    /** Creates a new customer account with a random email and logs it in. */
    public User newUser() {
        String email = "bench-" + UUID.randomUUID() + "@example.com";
        String password = "bench-password-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode body = JSON.createObjectNode().put("email", email).put("password", password).put("name", "Bench");
        expect(send(post("/api/accounts", body).build()), 201, "POST /api/accounts");
        return new User(email, password, login(email, password));
    }

    /** Logs in; returns the bearer token. */
    public String login(String email, String password) {
        JsonNode r = expect(send(loginRequest(email, password)), 201, "POST /api/sessions");
        return text(r, "token", "POST /api/sessions");
    }

    /** Ids of up to {@code limit} products of the catalog. */
    public List<String> productIds(int limit) {
        JsonNode r = expect(send(HttpRequest.newBuilder(url("/api/products?limit=" + limit)).GET().build()), 200,
                "GET /api/products");
        List<String> ids = new ArrayList<>();
        r.path("items").forEach(item -> ids.add(item.path("id").asText()));
        if (ids.isEmpty()) {
            throw new BenchException("GET /api/products returned no products; the store must be seeded");
        }
        return ids;
    }

    /** Places one order of {@code productId} x 1 for the user; returns the order id. */
    public String placeOrder(User user, String productId) {
        JsonNode r = expect(send(orderRequest(user, productId)), 201, "POST /api/orders");
        return text(r, "id", "POST /api/orders");
    }

    public HttpRequest orderRequest(User user, String productId) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode item = body.putArray("items").addObject();
        item.set("productId", JSON.getNodeFactory().textNode(productId));
        if (productId.matches("\\d{1,18}")) {
            item.put("productId", Long.parseLong(productId));
        }
        item.put("quantity", 1);
        return post("/api/orders", body).header("Authorization", "Bearer " + user.token()).build();
    }

    public HttpRequest loginRequest(String email, String password) {
        return post("/api/sessions", JSON.createObjectNode().put("email", email).put("password", password)).build();
    }

    /** GET with a bearer token. */
    public HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(url(path)).header("Authorization", "Bearer " + token).GET().build();
    }

    public URI url(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public URI base() {
        return base;
    }

    private HttpRequest.Builder post(String path, JsonNode body) {
        try {
            return HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new BenchException("could not serialise request body for " + path, e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpRequest timed = HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(30)).build();
        try {
            return client.send(timed, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BenchException(request.method() + " " + request.uri() + " failed: " + e
                    + " (is the service running at " + base + "?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static JsonNode expect(HttpResponse<String> r, int status, String route) {
        if (r.statusCode() != status && !(status == 201 && r.statusCode() == 200)) {
            String hint = r.statusCode() == 404 ? " (route not implemented by the service yet?)" : "";
            String body = r.body().length() > 300 ? r.body().substring(0, 300) + "..." : r.body();
            throw new BenchException(route + " answered " + r.statusCode() + " instead of " + status + hint + ": "
                    + body);
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BenchException(route + " answered " + r.statusCode() + " with a body that is not JSON: "
                    + r.body(), e);
        }
    }

    private static String text(JsonNode node, String field, String route) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull() || v.asText().isEmpty()) {
            throw new BenchException(route + " answered without '" + field + "': " + node);
        }
        return v.asText();
    }
}
