package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.catalog.Product;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static io.keel.store.http.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only ASCII digits are numbers in this API: {@code Integer.parseInt} would take {@code "１"} (fullwidth),
 * {@code "١"} (Arabic-Indic) or {@code "+1"}. Every numeric input — limits, ids, cursors, widths, ranges, event ids —
 * refuses them the way it refuses any other non-number.
 */
class NonAsciiDigitsHttpH2Test extends StoreContract {
    private Api.User user;
    private long orderId;
    private String uploadId;

    @Override
    protected Backend backend() {
        return Backend.H2;
    }

    @BeforeAll
    void createData() {
        user = api.newUser();
        Product mug = store.product(1_250, "USD");
        orderId = Api.json(api.post("/api/orders", user.token(),
                OrdersHttpContract.items(OrdersHttpContract.line(mug.id(), 1)))).get("id").asLong();
        HttpResponse<String> upload = api.send(api.request("/api/uploads", user.token())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("0123456789")));
        uploadId = Api.json(upload).get("id").asText();
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"１", "١", "۱", "१", "𝟏", "+1", "1.0", " 1", "0x1", "1e1", "１０"})
    void numbersInQueriesMustBeAsciiDigits(String number) {
        assertProblem(api.get("/api/products?limit=" + q(number), user.token()), 400);
        assertProblem(api.get("/api/orders?limit=" + q(number), user.token()), 400);
        assertProblem(api.get("/api/products?after=" + q(number), user.token()), 400);
        JsonNode thumbnail = assertProblem(api.send(api.request("/api/images/thumbnail?width=" + q(number)
                        + "&height=10", user.token()).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1}))), 400);
        assertThat(thumbnail.toString()).contains("width");
        assertProblem(api.send(api.request("/admin/profile?seconds=" + q(number), StoreUnderTest.OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"１", "١", "+1", "٣"})
    void idsInPathsMustBeAsciiDigits(String digit) {
        assertProblem(api.get("/api/orders/" + q(digit + orderId), user.token()), 404);
        assertProblem(api.get("/api/orders/" + q(digit) + "/invoice.pdf", user.token()), 404);
        assertThat(api.get("/api/orders/" + orderId, user.token()).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=１-2", "bytes=0-١", "bytes=+0-1", "bytes=-٣", "bytes=0-1.0"})
    void rangesMustBeAsciiDigits(String range) {
        // the JDK client refuses non-ASCII header values, so the bytes go over a plain socket, UTF-8 encoded
        String head = "GET /api/uploads/" + uploadId + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Bearer " + user.token() + "\r\nRange: " + range + "\r\n\r\n";
        RawHttp.Response res = RawHttp.exchange(store.port(), head.getBytes(StandardCharsets.UTF_8), new byte[0]);
        // an unparseable Range is ignored (RFC 9110 14.2): the whole body, never a partial one from a lenient parse
        assertThat(res.status()).isIn(200, 416);
        if (res.status() == 200) {
            assertThat(res.body()).isEqualTo("0123456789");
        }
    }
}
