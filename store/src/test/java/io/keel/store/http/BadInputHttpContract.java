package io.keel.store.http;

import io.keel.store.catalog.Product;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.keel.store.http.Problems.assertClientError;
import static io.keel.store.http.Problems.assertProblem;
import static io.keel.store.http.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken input on every JSON route: each answer is a 4xx problem document, never a 500, nothing is
 * stored, and the server stays ready afterwards.
 */
abstract class BadInputHttpContract extends StoreContract {
    private static final int TEN_MB = 10 * 1024 * 1024;
    private Api.User user;
    private Product mug;

    @BeforeAll
    void signIn() {
        user = api.newUser();
        mug = store.product(1_250, "USD");
    }

    @AfterEach
    void serverIsStillHealthy() {
        assertThat(api.get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = api.get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    }

    private HttpResponse<String> post(String path, String body) {
        return api.post(path, user.token(), body);
    }

    private HttpResponse<String> postBytes(String path, byte[] body) {
        return api.send(api.request(path, user.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/accounts", "/api/sessions", "/api/orders"})
    void malformedJsonIs400(String path) {
        for (String body : List.of("{\"email\":", "{'email':'a'}", "{\"items\":[}", "not json", "{} trailing",
                "{\"a\":1,}", "\u0000")) {
            assertProblem(post(path, body), 400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/accounts", "/api/sessions", "/api/orders"})
    void jsonThatIsNotAnObjectIs400(String path) {
        // "null" was a 500 until Json.read refused a null result (regression test).
        for (String body : List.of("[]", "\"text\"", "42", "true", "null", "[{\"items\":[]}]")) {
            assertProblem(post(path, body), 400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/accounts", "/api/sessions", "/api/orders"})
    void anEmptyBodyIs400AndAWrongContentTypeIs415(String path) {
        assertProblem(post(path, ""), 400);
        assertProblem(api.send(api.request(path, user.token()).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/accounts", "/api/sessions", "/api/orders"})
    void aJsonBodyWithoutAnyContentTypeIs415NamingTheAcceptedType(String path) {
        String body = path.equals("/api/orders") ? "{\"items\":[{\"productId\":1,\"quantity\":1}]}"
                : Api.credentials(Api.uniqueEmail("untyped"), Api.PASSWORD);
        HttpResponse<String> res = api.send(api.request(path, user.token())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(res.statusCode()).isEqualTo(415);
        assertThat(Problems.assertProblem(res, 415).get("detail").asText()).contains("application/json");
        assertNothingStored();
    }

    @Test
    void wrongTypedFieldsAre400NamingTheField() {
        String password = "\"password\":\"" + Api.PASSWORD + "\"";
        assertThat(fields(assertProblem(post("/api/accounts", "{\"email\":1," + password + ",\"name\":\"n\"}"), 400)))
                .containsExactly("email");
        assertThat(fields(assertProblem(post("/api/accounts",
                "{\"email\":[\"a@example.com\"]," + password + ",\"name\":\"n\"}"), 400))).containsExactly("email");
        assertThat(fields(assertProblem(post("/api/accounts",
                "{\"email\":\"a@example.com\"," + password + ",\"name\":{\"first\":\"n\"}}"), 400)))
                .containsExactly("name");
        assertProblem(post("/api/sessions", "{\"email\":true,\"password\":false}"), 400);
        assertProblem(post("/api/orders", "{\"items\":\"many\"}"), 400);
        assertProblem(post("/api/orders", "{\"items\":{\"productId\":1}}"), 400);
        assertProblem(post("/api/orders", "{\"items\":[{\"productId\":\"" + mug.id() + "\",\"quantity\":1}]}"), 400);
        assertProblem(post("/api/orders", "{\"items\":[{\"productId\":" + mug.id() + ",\"quantity\":1.5}]}"), 400);
        assertProblem(post("/api/orders", "{\"items\":[{\"productId\":" + mug.id() + ",\"quantity\":true}]}"), 400);
        assertProblem(post("/api/orders", "{\"items\":[[" + mug.id() + ",1]]}"), 400);
        assertNothingStored();
    }

    @Test
    void unknownFieldsAre400NamingTheFieldAndStoreNothing() {
        String email = Api.uniqueEmail("unknown");
        assertThat(fields(assertProblem(post("/api/accounts", "{\"email\":\"" + email + "\",\"password\":\""
                + Api.PASSWORD + "\",\"name\":\"n\",\"role\":\"admin\"}"), 400))).containsExactly("role");
        assertThat(store.count("SELECT COUNT(*) FROM accounts WHERE email = ?", email)).isZero();
        assertThat(fields(assertProblem(post("/api/orders", "{\"items\":[{\"productId\":" + mug.id()
                + ",\"quantity\":1,\"unitPriceCents\":1}]}"), 400))).containsExactly("items[0].unitPriceCents");
        assertThat(fields(assertProblem(post("/api/orders", "{\"items\":[{\"productId\":" + mug.id()
                + ",\"quantity\":1}],\"userId\":1}"), 400))).containsExactly("userId");
        assertNothingStored();
    }

    @Test
    void hugeNumbersAre400() {
        for (String number : List.of("99999999999999999999", "-99999999999999999999", "1e400", "1E3",
                "9".repeat(10_000), "123456789012345678901234567890.5")) {
            assertProblem(post("/api/orders", "{\"items\":[{\"productId\":" + number + ",\"quantity\":1}]}"), 400);
            assertProblem(post("/api/orders", "{\"items\":[{\"productId\":" + mug.id() + ",\"quantity\":" + number
                    + "}]}"), 400);
        }
        assertNothingStored();
    }

    @Test
    void deepNestingIs400() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertProblem(post("/api/orders", "{\"items\":" + deep + "}"), 400);
        assertProblem(post("/api/accounts", "{\"name\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001)),
                400);
        assertProblem(post("/api/sessions", deep), 400);
        assertNothingStored();
    }

    @Test
    void tooManyLinesIs400() {
        String line = "{\"productId\":" + mug.id() + ",\"quantity\":1}";
        assertThat(fields(assertProblem(post("/api/orders", "{\"items\":[" + String.join(",",
                Collections.nCopies(101, line)) + "]}"), 400))).containsExactly("items");
        assertNothingStored();
    }

    @Test
    void invalidUtf8Is400() {
        byte[] prefix = ("{\"email\":\"a@example.com\",\"password\":\"" + Api.PASSWORD + "\",\"name\":\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 4];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = (byte) 0x28;
        body[prefix.length + 2] = '"';
        body[prefix.length + 3] = '}';
        assertProblem(postBytes("/api/accounts", body), 400);
        assertProblem(postBytes("/api/orders", new byte[] {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'}),
                400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/accounts", "/api/orders"})
    void aTenMegabyteBodyWithContentLengthIs413AndTheServerStaysUp(String path) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + user.token() + "\r\nContent-Length: " + TEN_MB + "\r\n\r\n";
        byte[] body = new byte[TEN_MB];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';

        assertProblem(RawHttp.exchange(store.port(), head, body), 413);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/accounts", "/api/orders"})
    void aTenMegabyteChunkedBodyIs413AndTheServerStaysUp(String path) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + user.token() + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        StringBuilder chunks = new StringBuilder();
        String chunk = "[".repeat(64 * 1024);
        for (int i = 0; i < 160; i++) {
            chunks.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunks.append("0\r\n\r\n");

        assertProblem(RawHttp.exchange(store.port(), head, chunks.toString().getBytes(StandardCharsets.US_ASCII)),
                413);
    }

    @Test
    void bogusTokensAre401() {
        for (String authorization : List.of("Bearer ", "Bearer not-a-token", "Bearer " + "x".repeat(4000),
                "bearer lowercase-scheme-bogus", "Basic dXNlcjpwYXNz", "Token abc", "Bearer a b c",
                "Bearer " + user.token() + "x", "Bearer " + user.token().substring(1))) {
            HttpResponse<String> res = api.send(api.request("/api/orders").header("Authorization", authorization)
                    .GET());
            assertProblem(res, 401);
        }
        byte[] head = ("GET /api/orders HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer "
                + "\u00ff\u00fe\u00e9t\u00e9\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertClientError(RawHttp.exchange(store.port(), head, new byte[0]));
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405WithAllow() {
        assertProblem(api.get("/api/nothing-here"), 404);
        HttpResponse<String> put = api.send(api.request("/api/orders", user.token())
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(put, 405);
        assertThat(put.headers().firstValue("Allow").orElseThrow()).contains("GET", "POST");
        HttpResponse<String> delete = api.delete("/api/products", user.token());
        assertProblem(delete, 405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void garbledQueriesAndPathsAreClientErrors() {
        Map<String, Integer> expected = Map.of(
                "/api/products?limit=%ZZ", 400,
                "/api/products?after=%", 400,
                "/api/products?limit=1&after=%E2%82", 400,
                "/api/orders/%00", 404);
        expected.forEach((target, status) -> {
            String head = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + user.token() + "\r\n\r\n";
            assertProblem(RawHttp.exchange(store.port(), head, new byte[0]), status);
        });
    }

    private void assertNothingStored() {
        assertThat(store.count("SELECT COUNT(*) FROM orders WHERE user_id = ?", user.id())).isZero();
    }
}
