package io.keel.store.http;

import io.keel.store.catalog.Product;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated hostile input against one real store over real HTTP: whatever the query, cursor, range, JSON body or
 * image bytes, the answer is a success or a 4xx problem document — never a 5xx, never a hang (every request has a
 * 30 s timeout, which fails the property). Tries are kept small so the suite stays quick on two cores.
 */
class HostileInputProperties {
    private static StoreUnderTest store;
    private static Api api;
    private static Api.User user;
    private static long productId;
    private static String uploadId;

    @BeforeContainer
    static void start() {
        store = StoreUnderTest.start(Backend.H2, Map.of());
        api = store.api();
        user = api.newUser();
        Product product = store.product(500, "EUR");
        productId = product.id();
        uploadId = Api.json(api.send(api.request("/api/uploads", user.token())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("abcdefghij")))).get("id").asText();
    }

    @AfterContainer
    static void stop() {
        store.close();
    }

    private static void assertClean(int status, String contentType, String body, int... successes) {
        assertThat(status).as("status for a hostile input").isLessThan(500);
        if (status >= 400) {
            assertThat(contentType).isEqualTo("application/problem+json");
            assertThat(body).contains("\"status\":" + status).contains("\"requestId\"");
        } else {
            assertThat(status).isIn(Arrays.stream(successes).boxed().toList());
        }
    }

    private static void assertClean(HttpResponse<String> res, int... successes) {
        assertClean(res.statusCode(), res.headers().firstValue("Content-Type").orElse(""), res.body(), successes);
    }

    @Provide
    Arbitrary<String> queryValues() {
        return Arbitraries.<String>oneOf(Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withChars("0123456789-+.e１٣ ").ofMaxLength(12),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40));
    }

    @Property(tries = 60)
    void pageParametersAnswer200Or400(@ForAll("queryValues") String limit, @ForAll("queryValues") String after) {
        String query = "?limit=" + URLEncoder.encode(limit, StandardCharsets.UTF_8)
                + "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8);
        assertClean(api.get("/api/products" + query, user.token()), 200);
        assertClean(api.get("/api/orders" + query, user.token()), 200);
    }

    @Provide
    Arbitrary<String> cursors() {
        Arbitrary<String> base64 = Arbitraries.strings().withChars(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=").ofMaxLength(40);
        Arbitrary<String> encodedText = Arbitraries.strings().ofMaxLength(30).map(text -> Base64
                .getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        Arbitrary<String> nearMiss = Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                .as((a, b) -> Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((a + ":" + b).getBytes(StandardCharsets.US_ASCII)));
        return Arbitraries.<String>oneOf(base64, encodedText, nearMiss);
    }

    @Property(tries = 60)
    void cursorsFromNowhereAre400NeverAServerError(@ForAll("cursors") String cursor) {
        assertClean(api.get("/api/orders?after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8),
                user.token()), 200);
    }

    @Provide
    Arbitrary<String> ranges() {
        Arbitrary<String> number = Arbitraries.<String>oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().withChars("0123456789").ofMaxLength(25), Arbitraries.just(""));
        Arbitrary<String> shaped = Combinators.combine(Arbitraries.of("bytes=", "bytes =", "items=", "BYTES=", ""),
                number, Arbitraries.of("-", ",", "--", ""), number, Arbitraries.of("", ",0-1", ", -5"))
                .as((unit, a, dash, b, more) -> unit + a + dash + b + more);
        return Arbitraries.<String>oneOf(shaped, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40));
    }

    @Property(tries = 60)
    void rangesAnswer200Or206Or416(@ForAll("ranges") String range) {
        String head = "GET /api/uploads/" + uploadId + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Bearer " + user.token() + "\r\nRange: " + range + "\r\n\r\n";
        RawHttp.Response res = RawHttp.exchange(store.port(), head, new byte[0]);
        assertClean(res.status(), res.header("Content-Type").orElse(""), res.body(), 200, 206, 400);
        if (res.status() == 206) {
            assertThat("abcdefghij").contains(res.body());
        }
    }

    @Provide
    Arbitrary<String> jsonBodies() {
        Arbitrary<String> scalar = Arbitraries.<String>oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(10).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\""), Arbitraries.of("null", "true", "[]", "{}", "1e999", "-0", "1.5", "\"\\ud800\""));
        Arbitrary<String> line = Combinators.combine(Arbitraries.of("productId", "quantity", "x", "PRODUCTID"),
                Arbitraries.<String>oneOf(scalar, Arbitraries.just(Long.toString(productId))),
                Arbitraries.of("quantity", "productId", "qty"), scalar)
                .as((k1, v1, k2, v2) -> "{\"" + k1 + "\":" + v1 + ",\"" + k2 + "\":" + v2 + "}");
        Arbitrary<String> order = line.list().ofMaxSize(4).map(l -> "{\"items\":[" + String.join(",", l) + "]}");
        Arbitrary<String> credentials = Combinators.combine(scalar, scalar)
                .as((e, p) -> "{\"email\":" + e + ",\"password\":" + p + "}");
        Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(60);
        Arbitrary<String> truncated = order.map(s -> s.substring(0, s.length() / 2));
        return Arbitraries.<String>oneOf(order, credentials, garbage, truncated, scalar);
    }

    @Property(tries = 80)
    void jsonBodiesAnswerSuccessOr4xx(@ForAll("jsonBodies") String body) {
        assertClean(api.post("/api/orders", user.token(), body), 201);
        assertClean(api.post("/api/sessions", body), 201);
    }

    @Provide
    Arbitrary<byte[]> imageBodies() {
        List<byte[]> signatures = List.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, "GIF89a".getBytes(StandardCharsets.US_ASCII),
                "BM".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        return Combinators.combine(Arbitraries.of(signatures), Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((signature, rest) -> {
                    byte[] body = Arrays.copyOf(signature, signature.length + rest.length);
                    System.arraycopy(rest, 0, body, signature.length, rest.length);
                    return body;
                });
    }

    @Property(tries = 60)
    void imageHeadersAnswer200Or4xx(@ForAll("imageBodies") byte[] body,
                                    @ForAll("imageTypes") String type, @ForAll("queryValues") String width) {
        HttpResponse<String> res = api.send(api.request("/api/images/thumbnail?height=20&width="
                        + URLEncoder.encode(width, StandardCharsets.UTF_8), user.token())
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertClean(res, 200);
    }

    @Provide
    Arbitrary<String> imageTypes() {
        return Arbitraries.of("image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "text/plain",
                "image/png; q=1", "application/octet-stream");
    }
}
