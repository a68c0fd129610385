package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.store.catalog.Product;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static io.keel.store.http.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/orders/{id}/invoice.pdf}: a real PDF, read back with PDFBox, visible only to its owner. */
abstract class InvoiceHttpContract extends StoreContract {
    private Product lamp;
    private Product desk;

    @BeforeAll
    void createCatalog() {
        lamp = store.product(4_999, "USD");
        desk = store.product(123_456, "USD");
    }

    private JsonNode order(Api.User user) {
        HttpResponse<String> res = api.post("/api/orders", user.token(), OrdersHttpContract.items(
                OrdersHttpContract.line(lamp.id(), 3), OrdersHttpContract.line(desk.id(), 2)));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return Api.json(res);
    }

    @Test
    void theOwnerGetsAPdfNamingTheOrderAndItsFormattedTotal() throws IOException {
        Api.User user = api.newUser();
        JsonNode order = order(user);
        long id = order.get("id").asLong();
        assertThat(order.get("totalCents").asLong()).isEqualTo(3 * 4_999 + 2 * 123_456);

        HttpResponse<byte[]> res = api.sendForBytes(api.request("/api/orders/" + id + "/invoice.pdf", user.token()));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/pdf");
        try (PDDocument pdf = Loader.loadPDF(res.body())) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("INV-" + id, "Total (USD) $2,619.09", lamp.sku(), desk.sku(), user.email());
        }
    }

    @Test
    void anotherUsersInvoiceIs404AndWithoutTokenIs401() {
        Api.User owner = api.newUser();
        Api.User stranger = api.newUser();
        long id = order(owner).get("id").asLong();

        assertProblem(api.get("/api/orders/" + id + "/invoice.pdf", stranger.token()), 404);
        assertProblem(api.get("/api/orders/987654321/invoice.pdf", owner.token()), 404);
        assertProblem(api.get("/api/orders/abc/invoice.pdf", owner.token()), 404);
        assertProblem(api.get("/api/orders/" + id + "/invoice.pdf"), 401);
    }

    @Test
    void theOperatorMayReadAnyInvoice() {
        long id = order(api.newUser()).get("id").asLong();
        HttpResponse<byte[]> res = api.sendForBytes(api.request("/api/orders/" + id + "/invoice.pdf",
                StoreUnderTest.OPERATOR_TOKEN));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(new String(res.body(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }
}
