package io.keel.store.invoices;

import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdfwriter.compress.CompressParameters;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.Stream;

/** {@link InvoiceRenderer} on Apache PDFBox. Immutable and thread-safe; see the interface for the contract. */
final class PdfBoxInvoiceRenderer implements InvoiceRenderer {
    private final byte[] fontFile;

    PdfBoxInvoiceRenderer(byte[] fontFile) {
        this.fontFile = fontFile.clone();
    }

    @Override
    public byte[] render(Invoice invoice) {
        Money money = new Money(invoice.currency());
        try (PDDocument document = new PDDocument()) {
            if (InvoiceFonts.standardCovers(texts(invoice, money))) {
                return render(document, InvoiceFonts.standard(), money, invoice);
            }
            try (TrueTypeFont ttf = InvoiceFonts.parse(fontFile)) {
                return render(document, InvoiceFonts.embed(document, ttf), money, invoice);
            }
        } catch (IOException e) {
            // Everything here is in memory; an IOException means a PDFBox or font problem, not bad input.
            throw new InvoiceRenderingException("rendering invoice " + invoice.number() + " failed", e);
        }
    }

    private static byte[] render(PDDocument document, InvoiceFonts fonts, Money money, Invoice invoice)
            throws IOException {
        PDDocumentInformation info = document.getDocumentInformation();
        info.setTitle(fonts.printable("Invoice " + invoice.number()));
        info.setAuthor(fonts.printable(invoice.seller().name()));
        new InvoiceLayout(document, fonts, money, invoice).draw();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out, CompressParameters.NO_COMPRESSION);
        return out.toByteArray();
    }

    /** Every string of the invoice that may be printed; the layout's own labels are ASCII. */
    private static Stream<String> texts(Invoice invoice, Money money) {
        Stream<String> parties = Stream.of(invoice.seller(), invoice.buyer())
                .flatMap(p -> Stream.concat(Stream.of(p.name()), p.addressLines().stream()));
        Stream<String> lines = invoice.lines().stream().flatMap(l -> Stream.of(l.sku(), l.description()));
        return Stream.of(Stream.of(invoice.number(), money.format(-1)), parties, lines).flatMap(s -> s);
    }
}
