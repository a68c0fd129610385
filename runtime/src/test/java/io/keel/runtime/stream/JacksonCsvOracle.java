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
 * The CSV writer Keel used before {@link CsvRowWriter} formatted bytes itself: Jackson's CSV generator with the same
 * neutralising. Kept in the tests only, as the oracle the new writer must match byte for byte.
 */
final class JacksonCsvOracle implements AutoCloseable {
    private final SequenceWriter rows;
    private final int columns;

    private JacksonCsvOracle(SequenceWriter rows, int columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /**
     * Starts a CSV document on {@code out} and writes the header row. {@code out} is not closed by {@link #close()}.
     *
     * @param header column names, at least one
     */
    static JacksonCsvOracle create(OutputStream out, List<String> header) {
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
            return new JacksonCsvOracle(mapper.writerFor(Object[].class).with(schema.build()).writeValues(out),
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

    /** Writes out the rows still in the formatting buffer; leaves the target open. */
    @Override
    public void close() {
        try {
            rows.close();
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /** Neutralising is unchanged; the oracle is about quoting and formatting. */
    private static String neutralise(String text) {
        return CsvRowWriter.neutralise(text);
    }
}
