package io.keel.runtime.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes newline-delimited JSON: each row is one JSON value on its own line, terminated by {@code \n}.
 * <p>
 * Rows go through one Jackson generator (fixed buffer, no per-row flush) into the target, which supplies
 * backpressure. The caller's {@link ObjectMapper} decides how values serialise (dates, naming). Not thread-safe;
 * blocks when the target blocks.
 */
public final class NdjsonRowWriter implements AutoCloseable {
    private final JsonGenerator generator;
    private final ObjectWriter writer;

    private NdjsonRowWriter(JsonGenerator generator, ObjectWriter writer) {
        this.generator = generator;
        this.writer = writer;
    }

    /** Starts writing rows to {@code out}; {@code out} is not closed by {@link #close()}. */
    public static NdjsonRowWriter create(OutputStream out, ObjectMapper mapper) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(mapper, "mapper");
        try {
            JsonGenerator generator = mapper.getFactory().createGenerator(out)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            // No root separator: the newline after each row is the only separator NDJSON allows.
            generator.setRootValueSeparator(null);
            ObjectWriter writer = mapper.writer()
                    .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .withRootValueSeparator((String) null);
            return new NdjsonRowWriter(generator, writer);
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /**
     * Appends one row as a JSON line.
     *
     * @throws ClientGoneException when the target reports a disconnected client
     */
    public void row(Object value) {
        Objects.requireNonNull(value, "value");
        try {
            writer.writeValue(generator, value);
            generator.writeRaw('\n');
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /** Pushes formatted rows into the target and flushes it. */
    public void flush() {
        try {
            generator.flush();
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }

    /** Writes out the rows still in the generator's buffer; leaves the target open. */
    @Override
    public void close() {
        try {
            generator.close();
        } catch (IOException e) {
            throw JacksonStreams.unwrap(e);
        }
    }
}
