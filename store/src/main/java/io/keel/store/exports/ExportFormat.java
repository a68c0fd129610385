package io.keel.store.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.runtime.http.Params;
import io.keel.runtime.stream.CsvRowWriter;
import io.keel.runtime.stream.NdjsonRowWriter;

import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The file formats an order export can be written in, each with its media type and file extension. Immutable. */
public enum ExportFormat {
    /** RFC 4180 CSV with a header row; text cells are neutralised against spreadsheet formula injection. */
    CSV("text/csv; charset=utf-8", "csv"),
    /** One JSON object per line, fields named like the CSV columns. */
    NDJSON("application/x-ndjson", "ndjson");

    /** CSV header, and the field names of an NDJSON line. */
    public static final List<String> COLUMNS =
            List.of("id", "user_id", "created_at", "status", "currency", "total_cents", "item_count");

    private final String contentType;
    private final String extension;

    ExportFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    public String contentType() {
        return contentType;
    }

    public String extension() {
        return extension;
    }

    /** The {@code format} query parameter; CSV when absent, a 400 naming the parameter when unknown. */
    public static ExportFormat parse(Optional<String> value) {
        if (value.isEmpty()) {
            return CSV;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "ndjson" -> NDJSON;
            default -> throw Params.field("format", "must be csv or ndjson");
        };
    }

    /** Starts a document on {@code out} (the CSV header is written at once); not thread-safe, blocks with out. */
    public RowSink open(OutputStream out, ObjectMapper mapper) {
        return switch (this) {
            case CSV -> {
                CsvRowWriter csv = CsvRowWriter.create(out, COLUMNS);
                yield new RowSink() {
                    @Override
                    public void row(ExportRow r) {
                        csv.number(r.id()).number(r.userId()).timestamp(r.createdAt()).text(r.status())
                                .text(r.currency()).number(r.totalCents()).number(r.itemCount()).endRow();
                    }

                    @Override
                    public void close() {
                        csv.close();
                    }
                };
            }
            case NDJSON -> {
                NdjsonRowWriter ndjson = NdjsonRowWriter.create(out, mapper);
                yield new RowSink() {
                    @Override
                    public void row(ExportRow r) {
                        ndjson.row(r);
                    }

                    @Override
                    public void close() {
                        ndjson.close();
                    }
                };
            }
        };
    }

    /** Formats rows one at a time; {@link #close()} writes out what the formatter still buffers. */
    public interface RowSink extends AutoCloseable {
        void row(ExportRow row);

        @Override
        void close();
    }
}
