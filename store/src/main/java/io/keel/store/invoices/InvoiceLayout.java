package io.keel.store.invoices;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDPageContentStream.AppendMode;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.state.RenderingMode;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Places one invoice on A4 pages, top to bottom, starting a new page whenever the next row would run into the
 * footer. Single use and not thread-safe: it holds the open content stream and the vertical cursor.
 */
final class InvoiceLayout {
    private static final PDRectangle PAGE = PDRectangle.A4;
    private static final float LEFT = 50;
    private static final float RIGHT = PAGE.getWidth() - 50;
    private static final float TOP = PAGE.getHeight() - 50;
    private static final float BOTTOM = 70;
    private static final float ROW = 16;
    private static final float TOTALS_HEIGHT = 4 * ROW + 12;
    private static final int MAX_ADDRESS_LINES = 6;
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.US).withZone(ZoneOffset.UTC);

    // Table columns: left edges for text columns, right edges for numbers.
    private static final float SKU_X = LEFT;
    private static final float DESCRIPTION_X = 140;
    private static final float DESCRIPTION_WIDTH = 205;
    private static final float QUANTITY_RIGHT = 385;
    private static final float UNIT_PRICE_RIGHT = 465;
    private static final float AMOUNT_RIGHT = RIGHT;
    private static final float TEXT_SIZE = 9.5f;
    private static final boolean BOLD = true;
    private static final boolean PLAIN = false;
    /**
     * A page's content is a few kilobytes of text operators; deflating it cost more CPU per invoice (a fresh
     * Deflater and its buffers per stream) than the bytes it saved are worth.
     */
    private static final boolean COMPRESS = false;

    private final PDDocument document;
    private final InvoiceFonts fonts;
    private final Money money;
    private final Invoice invoice;
    private final List<PDPage> pages = new ArrayList<>();
    private PDPageContentStream content;
    private float y;

    InvoiceLayout(PDDocument document, InvoiceFonts fonts, Money money, Invoice invoice) {
        this.document = document;
        this.fonts = fonts;
        this.money = money;
        this.invoice = invoice;
    }

    void draw() throws IOException {
        newPage();
        drawTitle();
        drawParties();
        drawTableHeader();
        if (invoice.lines().isEmpty()) {
            text(PLAIN, TEXT_SIZE, DESCRIPTION_X, y, "No items");
            y -= ROW;
        }
        for (Line line : invoice.lines()) {
            if (y - ROW < BOTTOM) {
                continuation();
                drawTableHeader();
            }
            drawRow(line);
        }
        if (y - TOTALS_HEIGHT < BOTTOM) {
            continuation();
        }
        drawTotals();
        content.close();
        drawFooters();
    }

    private void newPage() throws IOException {
        if (content != null) {
            content.close();
        }
        PDPage page = new PDPage(PAGE);
        document.addPage(page);
        pages.add(page);
        content = new PDPageContentStream(document, page, AppendMode.OVERWRITE, COMPRESS);
        y = TOP;
    }

    private void continuation() throws IOException {
        newPage();
        text(PLAIN, 10, LEFT, y, fonts.fit("Invoice " + invoice.number() + " (continued)", 10, RIGHT - LEFT));
        y -= 2 * ROW;
    }

    private void drawTitle() throws IOException {
        text(BOLD, 24, LEFT, y - 14, "INVOICE");
        String number = fonts.fit(invoice.number(), 10, 160);
        rightText(BOLD, 10, RIGHT - fonts.width(10, number) - 6, y, "Invoice no.");
        rightText(PLAIN, 10, RIGHT, y, number);
        String date = DATE.format(invoice.issuedAt());
        rightText(BOLD, 10, RIGHT - fonts.width(10, date) - 6, y - ROW, "Date");
        rightText(PLAIN, 10, RIGHT, y - ROW, date);
        y -= 3.5f * ROW;
    }

    private void drawParties() throws IOException {
        float top = y;
        float leftBottom = drawParty("From", invoice.seller(), LEFT, top);
        float rightBottom = drawParty("Bill to", invoice.buyer(), 320, top);
        y = Math.min(leftBottom, rightBottom) - 2 * ROW;
    }

    private float drawParty(String heading, Party party, float x, float top) throws IOException {
        float width = 225;
        float line = top;
        text(BOLD, 9, x, line, heading.toUpperCase(Locale.ROOT));
        line -= 14;
        text(PLAIN, 11, x, line, fonts.fit(party.name(), 11, width));
        for (String address : party.addressLines().subList(0, Math.min(MAX_ADDRESS_LINES, party.addressLines().size()))) {
            line -= 13;
            text(PLAIN, 10, x, line, fonts.fit(address, 10, width));
        }
        return line;
    }

    private void drawTableHeader() throws IOException {
        text(BOLD, 9, SKU_X, y, "SKU");
        text(BOLD, 9, DESCRIPTION_X, y, "Description");
        rightText(BOLD, 9, QUANTITY_RIGHT, y, "Qty");
        rightText(BOLD, 9, UNIT_PRICE_RIGHT, y, "Unit price");
        rightText(BOLD, 9, AMOUNT_RIGHT, y, "Amount");
        rule(y - 5, 0.8f);
        y -= ROW + 2;
    }

    private void drawRow(Line line) throws IOException {
        text(PLAIN, TEXT_SIZE, SKU_X, y, fonts.fit(line.sku(), TEXT_SIZE, DESCRIPTION_X - SKU_X - 8));
        text(PLAIN, TEXT_SIZE, DESCRIPTION_X, y, fonts.fit(line.description(), TEXT_SIZE, DESCRIPTION_WIDTH));
        rightText(PLAIN, TEXT_SIZE, QUANTITY_RIGHT, y, Integer.toString(line.quantity()));
        rightText(PLAIN, TEXT_SIZE, UNIT_PRICE_RIGHT, y, fonts.printable(money.format(line.unitPriceCents())));
        rightText(PLAIN, TEXT_SIZE, AMOUNT_RIGHT, y, fonts.printable(money.format(line.lineTotalCents())));
        rule(y - 5, 0.2f);
        y -= ROW;
    }

    private void drawTotals() throws IOException {
        y -= 6;
        long subtotal = invoice.subtotalCents();
        totalsRow(PLAIN, "Subtotal", money.format(subtotal));
        if (subtotal != invoice.totalCents()) {
            totalsRow(PLAIN, "Adjustments", money.format(invoice.totalCents() - subtotal));
        }
        rule(y + ROW - 4, 0.8f, UNIT_PRICE_RIGHT - 90);
        totalsRow(BOLD, "Total (" + invoice.currency() + ")", money.format(invoice.totalCents()));
    }

    private void totalsRow(boolean bold, String label, String amount) throws IOException {
        rightText(bold, 10, UNIT_PRICE_RIGHT, y, label);
        rightText(bold, 10, AMOUNT_RIGHT, y, fonts.printable(amount));
        y -= ROW;
    }

    /** "Page n of N" needs N, so footers go on after the last page exists, appended to each page's content. */
    private void drawFooters() throws IOException {
        for (int i = 0; i < pages.size(); i++) {
            try (PDPageContentStream footer =
                    new PDPageContentStream(document, pages.get(i), AppendMode.APPEND, COMPRESS, true)) {
                content = footer;
                String left = fonts.fit("Invoice " + invoice.number(), 8, 300);
                text(PLAIN, 8, LEFT, 40, left);
                rightText(PLAIN, 8, RIGHT, 40, "Page " + (i + 1) + " of " + pages.size());
            }
        }
    }

    /** {@code value} must already be {@link InvoiceFonts#printable}; fixed labels are. */
    private void text(boolean bold, float size, float x, float baseline, String value) throws IOException {
        content.beginText();
        content.setFont(fonts.text, size);
        if (bold) {
            // Stroking the glyph outlines thickens them: bold without a second embedded font.
            content.setRenderingMode(RenderingMode.FILL_STROKE);
            content.setLineWidth(size / 30);
        }
        content.newLineAtOffset(x, baseline);
        content.showText(value);
        if (bold) {
            content.setRenderingMode(RenderingMode.FILL);
        }
        content.endText();
    }

    private void rightText(boolean bold, float size, float right, float baseline, String value) throws IOException {
        text(bold, size, right - fonts.width(size, value), baseline, value);
    }

    private void rule(float at, float thickness) throws IOException {
        rule(at, thickness, LEFT);
    }

    private void rule(float at, float thickness, float from) throws IOException {
        content.setLineWidth(thickness);
        content.moveTo(from, at);
        content.lineTo(RIGHT, at);
        content.stroke();
    }
}
