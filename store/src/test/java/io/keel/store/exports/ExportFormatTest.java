package io.keel.store.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.runtime.stream.CsvRowWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The export's typed CSV path (numbers and timestamps formatted straight to bytes) against the generic row call with
 * the values the export passed before (the timestamp as {@code Instant.toString()}), which CsvRowWriterTest holds to
 * the old Jackson writer byte for byte.
 */
class ExportFormatTest {
    private static final List<String> TEXT = List.of("placed", "", "a,b", "say \"hi\"", "two\r\nlines", "=1+1",
            "+SUM", "-2", "@cmd", "\tx", "\rx", "héllo wörld", "日本", "😀", "x".repeat(30), "back\\slash", "USD");

    @Test
    void typedCsvRowsAreTheBytesOfTheGenericRowsBefore() {
        List<ExportRow> rows = new ArrayList<>();
        long id = -2;
        for (String status : TEXT) {
            for (String currency : List.of("USD", "€", "a,\"", "=x")) {
                // whole seconds, millis, micros and nanos, as the fraction groups differ
                Instant created = Instant.parse("2025-03-01T12:34:56Z").plusSeconds(id * 86_401)
                        .plusNanos(switch ((int) Math.floorMod(id, 4L)) {
                            case 0 -> 0;
                            case 1 -> 120_000_000;
                            case 2 -> 123_456_000;
                            default -> 123_456_789;
                        });
                rows.add(new ExportRow(id, id * 7, created, status, currency, -id * 99, (int) id));
                id++;
            }
        }

        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        try (ExportFormat.RowSink sink = ExportFormat.CSV.open(typed, new ObjectMapper())) {
            rows.forEach(sink::row);
        }
        ByteArrayOutputStream generic = new ByteArrayOutputStream();
        try (CsvRowWriter csv = CsvRowWriter.create(generic, ExportFormat.COLUMNS)) {
            rows.forEach(r -> csv.row(r.id(), r.userId(), r.createdAt().toString(), r.status(), r.currency(),
                    r.totalCents(), r.itemCount()));
        }

        assertThat(typed.toString(StandardCharsets.UTF_8))
                .isEqualTo(generic.toString(StandardCharsets.UTF_8));
        assertThat(typed.toByteArray()).isEqualTo(generic.toByteArray());
    }
}
