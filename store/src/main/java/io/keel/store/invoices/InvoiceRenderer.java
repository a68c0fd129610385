package io.keel.store.invoices;

/**
 * Renders an {@link Invoice} as an A4 PDF: title, number and date, seller and buyer blocks, a table of lines that
 * continues over as many pages as it needs (column headings repeated on each), subtotal, adjustment and total, and
 * "Page n of N" on every page.
 *
 * <p>Text is set in the standard Helvetica (nothing embedded) when every string of the invoice is in Windows-1252,
 * else in Liberation Sans, embedded as a subset, so any Latin, Greek or Cyrillic name or description renders:
 * characters that font lacks (CJK, emoji) print as {@code ?}. Amounts are formatted for {@link java.util.Locale#US}
 * with the currency's symbol and its ISO 4217 number of decimals ({@code $1,234.50}, {@code ¥1,235}).
 *
 * <p>Thread-safe: an instance holds only the font file's bytes (about 400 KB, read once by {@link #create()}) and
 * every call builds its own document. CPU-bound and memory grows with the number of lines (a few KB per page), so
 * callers run it on the CPU pool and bound the line count upstream.
 */
public interface InvoiceRenderer {

    /**
     * The PDFBox renderer with the bundled font.
     *
     * @throws InvoiceRenderingException when the bundled font cannot be read (a broken class path)
     */
    static InvoiceRenderer create() {
        return new PdfBoxInvoiceRenderer(InvoiceFonts.loadFontFile());
    }

    /** Returns the complete PDF document. */
    byte[] render(Invoice invoice);
}
