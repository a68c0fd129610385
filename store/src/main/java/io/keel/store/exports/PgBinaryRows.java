package io.keel.store.exports;

import io.keel.store.db.DataAccessException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;

/**
 * Decodes the export's columns from PostgreSQL's binary COPY format ({@code COPY ... TO STDOUT (FORMAT binary)}):
 * a signature and header, then per row a field count and each field as a length and its bytes, then a trailer. The
 * bytes arrive in messages of any size (PostgreSQL sends one per row, but nothing here relies on it): an incomplete
 * row waits in a carry buffer for the next message.
 * <p>
 * Values come out exactly as the JDBC cursor reads them: integers of 2, 4 or 8 bytes, {@code timestamptz} as
 * microseconds since 2000-01-01 UTC ({@code infinity} and {@code -infinity} as {@link OffsetDateTime#MAX} and
 * {@link OffsetDateTime#MIN}, as the driver returns them), text as UTF-8 (the driver's client encoding). Every
 * exported column is {@code NOT NULL}; a NULL is refused with an error rather than guessed. Texts repeat (a handful
 * of statuses and currencies), so the last few of each column are kept and reused instead of decoded per row.
 * <p>
 * Not thread-safe. Memory: the carry buffer (grows only to the largest row).
 */
final class PgBinaryRows {
    static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    static final int COLUMNS = 7;
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final int TEXTS_KEPT = 8;

    private byte[] carry = new byte[8192];
    private int start;
    private int end;
    private boolean header;
    private boolean trailer;
    private final Texts status = new Texts();
    private final Texts currency = new Texts();

    /** Adds one COPY message and passes every row it completes to {@code sink}; returns how many. */
    int feed(byte[] message, ExportFormat.RowSink sink) {
        append(message);
        int rows = 0;
        if (!header && !readHeader()) {
            return 0;
        }
        while (!trailer) {
            int p = start;
            if (end - p < 2) {
                break;
            }
            short fields = getShort(p);
            if (fields == -1) {
                trailer = true;
                start = p + 2;
                break;
            }
            if (fields != COLUMNS) {
                throw corrupt("a row of " + fields + " fields, expected " + COLUMNS);
            }
            if (!complete(p + 2)) {
                break;
            }
            sink.row(row(p + 2));
            rows++;
        }
        if (trailer && start != end) {
            throw corrupt((end - start) + " bytes after the trailer");
        }
        return rows;
    }

    /** Checks that the trailer arrived: the stream ended where the format says it ends. */
    void finish() {
        if (!trailer) {
            throw corrupt("the stream ended without its trailer");
        }
    }

    private boolean readHeader() {
        int fixed = SIGNATURE.length + 8;
        if (end - start < fixed) {
            return false;
        }
        if (!Arrays.equals(carry, start, start + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw corrupt("no PGCOPY signature");
        }
        int extension = getInt(start + SIGNATURE.length + 4);
        if (extension < 0) {
            throw corrupt("a header extension of " + extension + " bytes");
        }
        if (end - start < fixed + extension) {
            return false;
        }
        start += fixed + extension;
        header = true;
        return true;
    }

    /** Whether every field of the row whose first field length is at {@code p} is in the buffer. */
    private boolean complete(int p) {
        for (int i = 0; i < COLUMNS; i++) {
            if (end - p < 4) {
                return false;
            }
            int length = getInt(p);
            p += 4 + Math.max(length, 0);
            if (p > end) {
                return false;
            }
        }
        return true;
    }

    private ExportRow row(int p) {
        int[] at = {p};
        long id = integer(at, "id");
        long userId = integer(at, "user_id");
        Instant createdAt = timestamp(at);
        String s = status.text(carry, at, "status");
        String c = currency.text(carry, at, "currency");
        long total = integer(at, "total_cents");
        long items = integer(at, "item_count");
        start = at[0];
        return new ExportRow(id, userId, createdAt, s, c, total, Math.toIntExact(items));
    }

    private long integer(int[] at, String column) {
        int length = fieldLength(at, column);
        int p = at[0];
        at[0] = p + length;
        return switch (length) {
            case 8 -> getLong(p);
            case 4 -> getInt(p);
            case 2 -> getShort(p);
            default -> throw corrupt("an integer " + column + " of " + length + " bytes");
        };
    }

    private Instant timestamp(int[] at) {
        int length = fieldLength(at, "created_at");
        if (length != 8) {
            throw corrupt("a timestamptz created_at of " + length + " bytes");
        }
        long micros = getLong(at[0]);
        at[0] += 8;
        if (micros == Long.MAX_VALUE) {
            return OffsetDateTime.MAX.toInstant();
        }
        if (micros == Long.MIN_VALUE) {
            return OffsetDateTime.MIN.toInstant();
        }
        return Instant.ofEpochSecond(PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    private int fieldLength(int[] at, String column) {
        int length = getInt(at[0]);
        if (length < 0) {
            throw corrupt("NULL in the NOT NULL column " + column);
        }
        at[0] += 4;
        return length;
    }

    private void append(byte[] message) {
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (carry.length - end < message.length) {
            int live = end - start;
            if (carry.length - live < message.length) {
                carry = Arrays.copyOf(carry, Math.max(carry.length * 2, live + message.length));
            }
            System.arraycopy(carry, start, carry, 0, live);
            start = 0;
            end = live;
        }
        System.arraycopy(message, 0, carry, end, message.length);
        end += message.length;
    }

    private short getShort(int p) {
        return (short) (((carry[p] & 0xFF) << 8) | (carry[p + 1] & 0xFF));
    }

    private int getInt(int p) {
        return ((carry[p] & 0xFF) << 24) | ((carry[p + 1] & 0xFF) << 16) | ((carry[p + 2] & 0xFF) << 8)
                | (carry[p + 3] & 0xFF);
    }

    private long getLong(int p) {
        return ((long) getInt(p) << 32) | (getInt(p + 4) & 0xFFFF_FFFFL);
    }

    private static DataAccessException corrupt(String what) {
        return new DataAccessException("reading the order export: the binary COPY stream has " + what, null);
    }

    /** The last few texts of one column, reused when the same bytes come again. */
    private final class Texts {
        private final byte[][] bytes = new byte[TEXTS_KEPT][];
        private final String[] texts = new String[TEXTS_KEPT];
        private int next;

        String text(byte[] buffer, int[] at, String column) {
            int length = fieldLength(at, column);
            int p = at[0];
            at[0] = p + length;
            for (int i = 0; i < TEXTS_KEPT; i++) {
                byte[] kept = bytes[i];
                if (kept != null && Arrays.equals(kept, 0, kept.length, buffer, p, p + length)) {
                    return texts[i];
                }
            }
            String text = new String(buffer, p, length, StandardCharsets.UTF_8);
            bytes[next] = Arrays.copyOfRange(buffer, p, p + length);
            texts[next] = text;
            next = (next + 1) % TEXTS_KEPT;
            return text;
        }
    }
}
