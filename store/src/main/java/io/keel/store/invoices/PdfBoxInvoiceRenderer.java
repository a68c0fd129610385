package io.keel.store.invoices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;

/** {@link InvoiceRenderer} on Apache PDFBox. Immutable and thread-safe; see the interface for the contract. */
final class PdfBoxInvoiceRenderer implements InvoiceRenderer {
    private final byte[] fontFile;

    PdfBoxInvoiceRenderer(byte[] fontFile) {
        this.fontFile = fontFile.clone();
    }

    @Override
    public byte[] render(Invoice invoice) {
        try (PDDocument document = new PDDocument(); TrueTypeFont ttf = InvoiceFonts.parse(fontFile)) {
            InvoiceFonts fonts = InvoiceFonts.embed(document, ttf);
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle(fonts.printable("Invoice " + invoice.number()));
            info.setAuthor(fonts.printable(invoice.seller().name()));
            new InvoiceLayout(document, fonts, new Money(invoice.currency()), invoice).draw();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            // Everything here is in memory; an IOException means a PDFBox or font problem, not bad input.
            throw new InvoiceRenderingException("rendering invoice " + invoice.number() + " failed", e);
        }
    }
}
