package io.keel.runtime.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Writes RFC 4180 CSV (CRLF line ends, fields with separators, quotes or line breaks quoted, quotes doubled) one row
 * at a time, safe to open in a spreadsheet.
 * <p>
 * Formula injection (OWASP "CSV injection"): a text cell starting with {@code = + - @}, TAB or CR gets a leading
 * {@code '} so spreadsheets show it as text instead of evaluating it. Numbers ({@link #number}, or a {@link Number}
 * or {@link Boolean} given to {@link #row}) are written as is, so {@code -5} stays a number; every other value is text.
 * <p>
 * Cells are encoded straight into one reusable byte buffer (UTF-8), which goes to the target only when full, so a
 * row costs no objects; the typed calls ({@link #text}, {@link #number}, {@link #timestamp}, {@link #endRow}) avoid
 * even the boxing of {@link #row}. The output is byte for byte what the Jackson CSV generator wrote before (its
 * "loose" quoting, kept so existing files and their consumers see no change): a text cell is quoted when it is longer
 * than 24 characters or holds a character below {@code '-'} (separator, quote, line breaks, space...) or a backslash.
 * <p>
 * Not thread-safe; blocks when the target blocks, and the target ({@link RowStreamWriter}) supplies backpressure.
 * Memory: the buffer ({@value #BUFFER_BYTES} bytes, grown only for a single cell that does not fit).
 */
public final class CsvRowWriter implements AutoCloseable {
    static final int BUFFER_BYTES = 16 * 1024;
    /** Jackson's loose check quotes every longer value without looking at it. */
    private static final int MAX_UNQUOTED_CHARS = 24;
    /** Characters below this one ({@code '-'}) may need quoting; Jackson quotes them all. */
    private static final char MIN_SAFE_CHAR = '-';
    /** Longest UTF-8 form of one {@code char} (a surrogate pair takes 4 for 2); a doubled quote takes 2. */
    private static final int MAX_BYTES_PER_CHAR = 3;

    private final OutputStream out;
    private final int columns;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private int count;
    private int cell;

    private CsvRowWriter(OutputStream out, int columns) {
        this.out = out;
        this.columns = columns;
    }

    /**
     * Starts a CSV document on {@code out} and writes the header row into the buffer. {@code out} is not closed by
     * {@link #close()}.
     *
     * @param header column names, at least one
     */
    public static CsvRowWriter create(OutputStream out, List<String> header) {
        Objects.requireNonNull(out, "out");
        if (header.isEmpty()) {
            throw new IllegalArgumentException("CSV header must name at least one column");
        }
        CsvRowWriter csv = new CsvRowWriter(out, header.size());
        header.forEach(csv::text);
        csv.endRow();
        return csv;
    }

    /**
     * Appends one row. Blocks when the buffer drains into a target that blocks.
     *
     * @param cells one value per header column, none null (pass {@code ""} for an empty cell)
     * @throws ClientGoneException when the target reports a disconnected client
     */
    public void row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("CSV row has " + cells.length + " cells, header has " + columns);
        }
        for (Object value : cells) {
            Object cell = Objects.requireNonNull(value, () -> "CSV cell is null; pass \"\" for an empty cell");
            switch (cell) {
                case Long l -> number(l);
                case Integer i -> number(i);
                case Short s -> number(s);
                case Byte b -> number(b);
                case BigDecimal d -> raw(d.toPlainString()); // as Jackson's WRITE_BIGDECIMAL_AS_PLAIN did
                case Number n -> raw(n.toString());
                case Boolean b -> raw(b.toString());
                default -> text(String.valueOf(cell));
            }
        }
        endRow();
    }

    /** Appends a text cell: neutralised against formulas, quoted when needed. */
    public CsvRowWriter text(String value) {
        separator();
        String text = neutralise(value);
        int length = text.length();
        ensure(length * MAX_BYTES_PER_CHAR + 2);
        if (needsQuotes(text)) {
            buffer[count++] = '"';
            encode(text, true);
            buffer[count++] = '"';
        } else {
            encode(text, false);
        }
        return this;
    }

    /** Appends a number cell in decimal, never quoted or neutralised (so {@code -5} stays a number). */
    public CsvRowWriter number(long value) {
        separator();
        ensure(20);
        count = Ascii.putLong(buffer, count, value);
        return this;
    }

    /**
     * Appends a timestamp as text in {@link Instant#toString()} form (ISO-8601 UTC, fraction in groups of 3 digits,
     * omitted when zero), formatted without intermediate strings; quoted under the same rule as any text.
     */
    public CsvRowWriter timestamp(Instant value) {
        if (!Ascii.isFourDigitYear(value)) {
            return text(value.toString()); // rare: signs and long years; same text, the slow way
        }
        separator();
        ensure(Ascii.MAX_INSTANT_CHARS + 2);
        int start = count;
        int end = Ascii.putInstant(buffer, start + 1, value);
        if (end - start - 1 > MAX_UNQUOTED_CHARS) {
            buffer[start] = '"'; // every other character is a digit, '-', ':', '.', 'T' or 'Z': none forces quotes
            buffer[end++] = '"';
            count = end;
        } else {
            System.arraycopy(buffer, start + 1, buffer, start, end - start - 1);
            count = end - 1;
        }
        return this;
    }

    /** Ends the current row; it must have exactly one cell per header column. */
    public void endRow() {
        if (cell != columns) {
            throw new IllegalArgumentException("CSV row has " + cell + " cells, header has " + columns);
        }
        ensure(2);
        buffer[count++] = '\r';
        buffer[count++] = '\n';
        cell = 0;
    }

    /** Pushes buffered rows into the target and flushes it. */
    public void flush() {
        drain();
        try {
            out.flush();
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /** Writes out the rows still in the buffer; leaves the target open. */
    @Override
    public void close() {
        drain();
    }

    /**
     * Prefixes {@code '} to text a spreadsheet would evaluate as a formula; other text is returned unchanged.
     */
    public static String neutralise(String text) {
        if (text.isEmpty()) {
            return text;
        }
        return switch (text.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + text;
            default -> text;
        };
    }

    private static boolean needsQuotes(String text) {
        int length = text.length();
        if (length > MAX_UNQUOTED_CHARS) {
            return true;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < MIN_SAFE_CHAR || c == '\\') {
                return true;
            }
        }
        return false;
    }

    private void raw(String digits) {
        separator();
        ensure(digits.length());
        for (int i = 0; i < digits.length(); i++) {
            buffer[count++] = (byte) digits.charAt(i);
        }
    }

    private void separator() {
        if (cell == columns) {
            throw new IllegalArgumentException("CSV row has more cells than the header's " + columns);
        }
        if (cell++ > 0) {
            ensure(1);
            buffer[count++] = ',';
        }
    }

    /** UTF-8 encoding (unpaired surrogates become '?', as Java's encoder does) with quotes doubled when quoted. */
    private void encode(String text, boolean quoted) {
        byte[] b = buffer;
        int n = count;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (quoted && c == '"') {
                    b[n++] = '"';
                }
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                b[n++] = (byte) (0xC0 | c >> 6);
                b[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                b[n++] = (byte) (0xF0 | cp >> 18);
                b[n++] = (byte) (0x80 | (cp >> 12 & 0x3F));
                b[n++] = (byte) (0x80 | (cp >> 6 & 0x3F));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[n++] = '?';
            } else {
                b[n++] = (byte) (0xE0 | c >> 12);
                b[n++] = (byte) (0x80 | (c >> 6 & 0x3F));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        count = n;
    }

    /** Makes room for {@code bytes}: drains the buffer, and grows it only when one cell is larger than all of it. */
    private void ensure(int bytes) {
        if (buffer.length - count >= bytes) {
            return;
        }
        drain();
        if (buffer.length < bytes) {
            buffer = new byte[Math.max(bytes, buffer.length * 2)];
        }
    }

    private void drain() {
        if (count == 0) {
            return;
        }
        int n = count;
        count = 0;
        try {
            out.write(buffer, 0, n);
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }
}
