package io.keel.runtime.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * Writes RFC 4180 CSV (CRLF line ends, fields with separators, quotes or line breaks quoted, quotes doubled) one row
 * at a time, safe to open in a spreadsheet.
 * <p>
 * Formula injection (OWASP "CSV injection"): a text cell starting with {@code = + - @}, TAB or CR gets a leading
 * {@code '} so spreadsheets show it as text instead of evaluating it. The caller marks cells by type: a
 * {@link Number} or {@link Boolean} is a number and written as is (so {@code -5} stays a number); every other value
 * is text ({@code String.valueOf}) and is neutralised.
 * <p>
 * Jackson's CSV generator does the quoting: it streams row by row through a fixed char buffer (about 8 KiB) with the
 * per-row flush switched off, so rows reach the target only when that buffer fills, and the target
 * ({@link RowStreamWriter}) supplies backpressure. Not thread-safe; blocks when the target blocks.
 */
public final class CsvRowWriter implements AutoCloseable {
    private final SequenceWriter rows;
    private final int columns;

    private CsvRowWriter(SequenceWriter rows, int columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /**
     * Starts a CSV document on {@code out} and writes the header row. {@code out} is not closed by {@link #close()}.
     *
     * @param header column names, at least one
     */
    public static CsvRowWriter create(OutputStream out, List<String> header) {
        Objects.requireNonNull(out, "out");
        if (header.isEmpty()) {
            throw new IllegalArgumentException("CSV header must name at least one column");
        }
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setLineSeparator("\r\n");
        header.forEach(name -> schema.addColumn(neutralise(name)));
        CsvMapper mapper = CsvMapper.builder()
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
                .build();
        try {
            return new CsvRowWriter(mapper.writerFor(Object[].class).with(schema.build()).writeValues(out),
                    header.size());
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /**
     * Appends one row. Blocks when the formatting buffer drains into a target that blocks.
     *
     * @param cells one value per header column, none null (pass {@code ""} for an empty cell)
     * @throws ClientGoneException when the target reports a disconnected client
     */
    public void row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("CSV row has " + cells.length + " cells, header has " + columns);
        }
        Object[] safe = new Object[cells.length];
        for (int i = 0; i < cells.length; i++) {
            Object cell = Objects.requireNonNull(cells[i], () -> "CSV cell is null; pass \"\" for an empty cell");
            safe[i] = cell instanceof Number || cell instanceof Boolean ? cell : neutralise(String.valueOf(cell));
        }
        try {
            rows.write(safe);
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /** Pushes formatted rows into the target and flushes it. */
    public void flush() {
        try {
            rows.flush();
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /** Writes out the rows still in the formatting buffer; leaves the target open. */
    @Override
    public void close() {
        try {
            rows.close();
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
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
}
