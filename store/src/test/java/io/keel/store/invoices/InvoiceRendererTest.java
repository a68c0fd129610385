package io.keel.store.invoices;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvoiceRendererTest {
    private static final Instant ISSUED = Instant.parse("2025-03-14T22:30:00Z");
    private static final Party SELLER = new Party("Keel Store Ltd", List.of("1 Harbour Road", "Bristol BS1 4QA"));
    private static final Party BUYER = new Party("Ada Lovelace", List.of("12 St James's Square", "London"));

    private final InvoiceRenderer renderer = InvoiceRenderer.create();

    @Test
    void aRenderedInvoiceShowsItsNumberDatePartiesLinesAndFormattedTotal() {
        Invoice invoice = new Invoice("INV-2025-0042", ISSUED, SELLER, BUYER, List.of(
                new Line("SKU-KETTLE", "Stainless kettle, 1.7 l", 2, 49_950, 99_900),
                new Line("SKU-MUG", "Stoneware mug", 4, 33_650, 134_600)), 234_500, "USD");

        Parsed pdf = parse(renderer.render(invoice));

        assertThat(pdf.pages).isEqualTo(1);
        assertThat(pdf.text).contains("INVOICE", "INV-2025-0042", "14 March 2025", "Keel Store Ltd",
                "Ada Lovelace", "SKU-KETTLE", "Stainless kettle, 1.7 l", "$499.50", "$1,346.00");
        assertThat(pdf.text).contains("Subtotal").contains("Total (USD)").contains("$2,345.00");
        assertThat(pdf.text).doesNotContain("Adjustments");
        assertThat(pdf.text).contains("Page 1 of 1");
    }

    @Test
    void aTotalThatDiffersFromTheLinesShowsTheAdjustment() {
        Invoice invoice = new Invoice("INV-7", ISSUED, SELLER, BUYER,
                List.of(new Line("A", "Widget", 1, 100_000, 100_000)), 123_450, "USD");

        String text = parse(renderer.render(invoice)).text;

        assertThat(text).contains("$1,000.00", "Adjustments", "$234.50", "$1,234.50");
    }

    @Test
    void amountsFollowTheCurrencysOwnDecimalsAndSymbol() {
        Invoice yen = new Invoice("JP-1", ISSUED, SELLER, BUYER,
                List.of(new Line("T", "Tea", 3, 1_235, 3_705)), 3_705, "JPY");
        Invoice euro = new Invoice("EU-1", ISSUED, SELLER, BUYER,
                List.of(new Line("C", "Coffee", 1, 123_450, 123_450)), 123_450, "EUR");

        assertThat(parse(renderer.render(yen)).text).contains("¥3,705", "Total (JPY)").doesNotContain("¥37.05");
        assertThat(parse(renderer.render(euro)).text).contains("€1,234.50");
    }

    @Test
    void twoHundredLinesFlowOverSeveralPagesWithTheTableHeaderOnEach() {
        List<Line> lines = IntStream.rangeClosed(1, 200)
                .mapToObj(i -> new Line("SKU-" + i, "Item number " + i, 1, 1_000, 1_000))
                .toList();
        Invoice invoice = new Invoice("INV-BIG", ISSUED, SELLER, BUYER, lines, 200_000, "USD");

        Parsed pdf = parse(renderer.render(invoice));

        assertThat(pdf.pages).isGreaterThanOrEqualTo(4);
        assertThat(pdf.text).contains("SKU-1 ", "SKU-200", "$2,000.00", "Page " + pdf.pages + " of " + pdf.pages);
        assertThat(occurrences(pdf.text, "INV-BIG (continued)")).isEqualTo(pdf.pages - 1);
        for (String page : pdf.pageTexts) {
            if (page.contains("Item number")) {
                assertThat(page).contains("SKU", "Description", "Qty", "Unit price", "Amount");
            }
        }
        IntStream.rangeClosed(1, 200).forEach(i -> assertThat(pdf.text).contains("Item number " + i + " "));
    }

    @Test
    void namesOutsideLatinRenderAndGlyphsTheFontLacksBecomeQuestionMarks() {
        Party buyer = new Party("Фёдор Достоевский 東京 😀", List.of("Ελλάδα", "tab\there"));
        Invoice invoice = new Invoice("INV-Ж", ISSUED, SELLER, buyer,
                List.of(new Line("SKU-字", "Emoji 🚀 mug", 1, 500, 500)), 500, "USD");

        String text = parse(renderer.render(invoice)).text;

        assertThat(text).contains("Фёдор Достоевский ?? ?", "Ελλάδα", "tab here", "INV-Ж", "SKU-?", "Emoji ? mug");
    }

    @Test
    void overlongDescriptionsAreShortenedToTheirColumn() {
        String longText = "Extraordinarily long product description ".repeat(10);
        Invoice invoice = new Invoice("INV-L", ISSUED, SELLER, BUYER,
                List.of(new Line("S", longText, 1, 1, 1)), 1, "USD");

        String text = parse(renderer.render(invoice)).text;

        assertThat(text).contains("Extraordinarily long").contains("…").doesNotContain(longText.strip());
    }

    @Test
    void anInvoiceWithoutLinesStillRenders() {
        Invoice invoice = new Invoice("INV-0", ISSUED, SELLER, BUYER, List.of(), 0, "USD");

        assertThat(parse(renderer.render(invoice)).text).contains("No items", "$0.00");
    }

    @Test
    void invalidInvoicesAreRejectedOnConstruction() {
        assertThatThrownBy(() -> new Invoice(" ", ISSUED, SELLER, BUYER, List.of(), 0, "USD"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("number");
        assertThatThrownBy(() -> new Invoice("X", ISSUED, SELLER, BUYER, List.of(), 0, "DOLLARS"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("currency was DOLLARS");
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private record Parsed(int pages, String text, List<String> pageTexts) {}

    private static Parsed parse(byte[] pdf) {
        assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        try (PDDocument document = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            String all = stripper.getText(document);
            List<String> pages = new ArrayList<>();
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(stripper.getText(document));
            }
            return new Parsed(document.getNumberOfPages(), all, pages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
