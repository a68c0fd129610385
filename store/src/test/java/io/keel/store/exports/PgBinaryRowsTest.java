package io.keel.store.exports;

import io.keel.store.db.DataAccessException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The binary COPY decoder on hand-made streams: every split of the bytes, special values, and what it refuses. */
class PgBinaryRowsTest {
    private static final long MICROS_2000_TO_2025 = 789_004_800_000_000L; // 2025-01-01T00:00:00Z

    private static final class Rows implements ExportFormat.RowSink {
        final List<ExportRow> rows = new ArrayList<>();

        @Override
        public void row(ExportRow row) {
            rows.add(row);
        }

        @Override
        public void close() {
        }
    }

    private static byte[] stream(Field[]... rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(PgBinaryRows.SIGNATURE);
        out.writeInt(0);
        out.writeInt(3); // a header extension the decoder must skip
        out.write(new byte[] {1, 2, 3});
        for (Field[] row : rows) {
            out.writeShort(row.length);
            for (Field f : row) {
                if (f.bytes == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(f.bytes.length);
                    out.write(f.bytes);
                }
            }
        }
        out.writeShort(-1);
        return bytes.toByteArray();
    }

    private record Field(byte[] bytes) {
        static Field int8(long v) {
            return new Field(java.nio.ByteBuffer.allocate(8).putLong(v).array());
        }

        static Field int4(int v) {
            return new Field(java.nio.ByteBuffer.allocate(4).putInt(v).array());
        }

        static Field text(String s) {
            return new Field(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Field[] order(long id, long micros, String status, int items) {
        return new Field[] {Field.int8(id), Field.int8(7), Field.int8(micros), Field.text(status), Field.text("EUR"),
                Field.int8(-1250), Field.int4(items)};
    }

    private static List<ExportRow> decode(byte[] stream, int... cuts) {
        PgBinaryRows decoder = new PgBinaryRows();
        Rows sink = new Rows();
        int from = 0;
        for (int cut : cuts) {
            decoder.feed(Arrays.copyOfRange(stream, from, cut), sink);
            from = cut;
        }
        decoder.feed(Arrays.copyOfRange(stream, from, stream.length), sink);
        decoder.finish();
        return sink.rows;
    }

    @Test
    void rowsComeOutTheSameWhereverTheMessagesSplitTheStream() throws IOException {
        byte[] stream = stream(order(1, MICROS_2000_TO_2025 + 123_456, "placed", 3),
                order(2, -1, "q\"uo,te\r\n☕𝄞", 0), order(3, MICROS_2000_TO_2025, "placed", Integer.MAX_VALUE));
        List<ExportRow> whole = decode(stream);

        assertThat(whole).containsExactly(
                new ExportRow(1, 7, Instant.parse("2025-01-01T00:00:00.123456Z"), "placed", "EUR", -1250, 3),
                new ExportRow(2, 7, Instant.parse("1999-12-31T23:59:59.999999Z"), "q\"uo,te\r\n☕𝄞", "EUR", -1250, 0),
                new ExportRow(3, 7, Instant.parse("2025-01-01T00:00:00Z"), "placed", "EUR", -1250,
                        Integer.MAX_VALUE));
        for (int cut = 1; cut < stream.length; cut++) {
            assertThat(decode(stream, cut)).as("split at %d", cut).isEqualTo(whole);
        }
        assertThat(decode(stream, 5, 40, 41, 100)).isEqualTo(whole);
    }

    @Test
    void infiniteTimestampsReadAsTheDriverReadsThem() throws IOException {
        List<ExportRow> rows = decode(stream(order(1, Long.MAX_VALUE, "placed", 1),
                order(2, Long.MIN_VALUE, "placed", 1)));

        assertThat(rows.get(0).createdAt()).isEqualTo(OffsetDateTime.MAX.toInstant());
        assertThat(rows.get(1).createdAt()).isEqualTo(OffsetDateTime.MIN.toInstant());
    }

    @Test
    void aNullInANotNullColumnIsRefusedNamingTheColumn() throws IOException {
        Field[] row = order(1, 0, "placed", 1);
        row[3] = new Field(null);

        assertThatThrownBy(() -> decode(stream(row))).isInstanceOf(DataAccessException.class)
                .hasMessageContaining("NULL in the NOT NULL column status");
    }

    @Test
    void aStreamThatIsNotBinaryCopyOrEndsEarlyIsRefused() throws IOException {
        byte[] good = stream(order(1, 0, "placed", 1));
        byte[] text = "1,7,2025-01-01,placed\n".getBytes(StandardCharsets.US_ASCII);
        Field[] sixFields = Arrays.copyOf(order(1, 0, "placed", 1), 6);
        Field[] wideInteger = order(1, 0, "placed", 1);
        wideInteger[0] = new Field(new byte[3]);

        assertThatThrownBy(() -> decode(text)).hasMessageContaining("no PGCOPY signature");
        assertThatThrownBy(() -> decode(Arrays.copyOf(good, good.length - 2)))
                .hasMessageContaining("without its trailer");
        assertThatThrownBy(() -> decode(stream(sixFields))).hasMessageContaining("a row of 6 fields");
        assertThatThrownBy(() -> decode(stream(wideInteger))).hasMessageContaining("an integer id of 3 bytes");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> decode(trailing)).hasMessageContaining("1 bytes after the trailer");
    }
}
