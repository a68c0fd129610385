package io.keel.store.invoices;

import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.font.encoding.GlyphList;
import org.apache.pdfbox.pdmodel.font.encoding.WinAnsiEncoding;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

/**
 * The font of one document. An invoice whose text is all in Windows-1252 (Western European, the common case) is set
 * in Helvetica, one of the 14 standard fonts every PDF reader has: nothing is parsed, subset or embedded, which made
 * the invoice several times cheaper. Any other invoice is set in Liberation Sans (Latin, Greek, Cyrillic, currency
 * signs), embedded as a subset. One font per document is used; headings get a stroked "bold" instead of a second font, because the standard Helvetica Bold
 * sends PDFBox hunting through system fonts for a substitute (slow, and a warning per document). Not thread-safe:
 * FontBox reads glyph tables lazily from a shared buffer, so each render parses its own {@link TrueTypeFont} from
 * the cached file bytes.
 */
final class InvoiceFonts {
    /** PDFBox ships this font in its jar for its own use; it is the only Unicode font guaranteed to be present. */
    private static final String FONT_RESOURCE = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final String ELLIPSIS = "…";

    private static final GlyphList GLYPHS = GlyphList.getAdobeGlyphList();

    final PDFont text;
    private final IntPredicate drawable;

    private InvoiceFonts(PDFont text, IntPredicate drawable) {
        this.text = text;
        this.drawable = drawable;
    }

    /** Helvetica, not embedded; only for documents whose every string {@link #standardCovers} accepts. */
    static InvoiceFonts standard() {
        return new InvoiceFonts(new PDType1Font(Standard14Fonts.FontName.HELVETICA), InvoiceFonts::winAnsi);
    }

    /** Whether Helvetica can draw every character of {@code texts}; controls and whitespace print as spaces. */
    static boolean standardCovers(Stream<String> texts) {
        return texts.allMatch(text -> text.codePoints()
                .allMatch(cp -> Character.isISOControl(cp) || Character.isWhitespace(cp) || winAnsi(cp)));
    }

    private static boolean winAnsi(int codePoint) {
        // Printable ASCII is in every encoding; the glyph-name lookup is for the rest.
        return (codePoint >= 0x20 && codePoint < 0x7F)
                || WinAnsiEncoding.INSTANCE.contains(GLYPHS.codePointToName(codePoint));
    }

    static byte[] loadFontFile() {
        try (InputStream in = PDDocument.class.getResourceAsStream(FONT_RESOURCE)) {
            if (in == null) {
                throw new IOException(FONT_RESOURCE + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InvoiceRenderingException("cannot read the invoice font " + FONT_RESOURCE, e);
        }
    }

    static TrueTypeFont parse(byte[] fontFile) throws IOException {
        TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBuffer(fontFile));
        // PDFBox applies GSUB substitutions per showText by rebuilding a tokenizer over every ligature of the font,
        // which made a 60-line invoice cost tens of milliseconds; Latin, Greek and Cyrillic need no shaping.
        ttf.setEnableGsub(false);
        return ttf;
    }

    /** Embeds a subset of {@code ttf} into {@code document}; the caller closes {@code ttf} after saving. */
    static InvoiceFonts embed(PDDocument document, TrueTypeFont ttf) throws IOException {
        CmapLookup cmap = ttf.getUnicodeCmapLookup();
        return new InvoiceFonts(PDType0Font.load(document, ttf, true), cp -> cmap.getGlyphId(cp) > 0);
    }

    /** {@code raw} with every character the text font cannot draw replaced by {@code ?} and controls by spaces. */
    String printable(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        raw.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
                out.append(' ');
            } else if (drawable.test(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append('?');
            }
        });
        return out.toString();
    }

    float width(float size, String value) throws IOException {
        return text.getStringWidth(value) / 1000f * size;
    }

    /** Printable {@code raw}, shortened with an ellipsis until it fits {@code maxWidth} points. */
    String fit(String raw, float size, float maxWidth) throws IOException {
        String value = printable(raw);
        if (width(size, value) <= maxWidth) {
            return value;
        }
        int end = value.length();
        while (end > 0 && width(size, value.substring(0, end) + ELLIPSIS) > maxWidth) {
            end = value.offsetByCodePoints(end, -1);
        }
        return value.substring(0, end) + ELLIPSIS;
    }
}
