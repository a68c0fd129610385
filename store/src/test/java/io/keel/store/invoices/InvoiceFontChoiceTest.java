package io.keel.store.invoices;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InvoiceFontChoiceTest {
    private static final Instant ISSUED = Instant.parse("2025-03-14T22:30:00Z");
    private static final Party SELLER = new Party("Keel Store Ltd", List.of("1 Harbour Road", "Bristol BS1 4QA"));

    private final InvoiceRenderer renderer = InvoiceRenderer.create();

    @Test
    void westernEuropeanTextIsSetInStandardHelveticaWithNothingEmbedded() {
        Invoice invoice = invoice(new Party("Zoë Müller-Øvergård", List.of("Straße 1", "Besançon")),
                "Crème brûlée dish … 20 cm", "EUR");

        Rendered pdf = render(invoice);

        assertThat(pdf.fonts).singleElement().satisfies(font -> {
            assertThat(font.getName()).isEqualTo("Helvetica");
            assertThat(font.isEmbedded()).isFalse();
        });
        assertThat(pdf.text).contains("Zoë Müller-Øvergård", "Straße 1", "Besançon", "Crème brûlée dish … 20 cm",
                "€12.34");
    }

    @Test
    void oneCharacterOutsideWindows1252AnywhereEmbedsTheUnicodeFontForTheWholeDocument() {
        Invoice invoice = invoice(new Party("Ada Lovelace", List.of("London")), "Чайник", "USD");

        Rendered pdf = render(invoice);

        assertThat(pdf.fonts).singleElement().satisfies(font -> {
            assertThat(font.getName()).contains("LiberationSans");
            assertThat(font.isEmbedded()).isTrue();
        });
        assertThat(pdf.text).contains("Чайник", "Ada Lovelace", "$12.34");
    }

    @Test
    void aCurrencySignOutsideWindows1252AlsoEmbedsTheUnicodeFont() {
        Invoice invoice = invoice(new Party("Ada Lovelace", List.of("London")), "Kettle", "KRW");

        Rendered pdf = render(invoice);

        assertThat(pdf.fonts).singleElement().satisfies(font -> assertThat(font.isEmbedded()).isTrue());
        assertThat(pdf.text).contains("₩1,234");
    }

    private static Invoice invoice(Party buyer, String description, String currency) {
        return new Invoice("INV-1", ISSUED, SELLER, buyer, List.of(new Line("SKU-1", description, 1, 1_234, 1_234)),
                1_234, currency);
    }

    private record Rendered(List<PDFont> fonts, String text) {}

    private Rendered render(Invoice invoice) {
        try (PDDocument document = Loader.loadPDF(renderer.render(invoice))) {
            List<PDFont> fonts = new ArrayList<>();
            for (PDPage page : document.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    if (fonts.stream().noneMatch(f -> f.getName().equals(font.getName()))) {
                        fonts.add(font);
                    }
                }
            }
            return new Rendered(fonts, new PDFTextStripper().getText(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
