package io.keel.runtime.stream;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The byte-level CSV writer against the Jackson writer it replaced, on the values that break CSV writers. */
class CsvRowWriterTest {
    private static final List<String> HEADER = List.of("id", "=note", "when");
    private static final List<String> TRICKY = List.of("", "plain", "a,b", "say \"hi\"", "\"", "line\nbreak",
            "cr\rlf\r\n", "=SUM(A1)", "+1", "-1", "@cmd", "\tTab", "\rCR", "'quoted", "with space", "back\\slash",
            "exactly twenty-four chrs", "twenty-five characters!!!", "x".repeat(300), "héllo wörld", "日本語テキスト",
            "emoji 😀 pair", "€100", "semi;colon", "#hash", "!bang", "(paren)", "*star", "dash-inside", "trailing ",
            " leading", "ünïcödé,comma", "\u007f\u0080\u07ff\u0800\uffff", "a".repeat(24) + "\"");

    @Test
    void rowsOfTrickyTextAreTheSameBytesTheJacksonWriterWrote() {
        List<Object[]> rows = new ArrayList<>();
        long id = -3;
        for (String text : TRICKY) {
            rows.add(new Object[]{id++, text, text});
        }
        assertSameBytes(rows);
    }

    @Test
    void numbersBooleansAndDecimalsAreWrittenUnquotedAndUnneutralised() {
        assertSameBytes(List.of(new Object[]{-5, Long.MIN_VALUE, Long.MAX_VALUE},
                new Object[]{0, 3.5, new BigDecimal("1E+3")}, new Object[]{true, (short) -7, (byte) 8},
                new Object[]{Integer.MIN_VALUE, -0.0, 10L}));
    }

    @Test
    void randomTextFromEveryAsciiCharacterAndSomeUnicodeMatchesTheJacksonWriter() {
        Random random = new Random(42);
        String alphabet = asciiAndUnicode();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            rows.add(new Object[]{i, randomText(random, alphabet), randomText(random, alphabet)});
        }
        assertSameBytes(rows);
    }

    @Test
    void timestampsAreWrittenAsInstantToStringWithTheSameQuotingAsText() {
        List<Instant> instants = List.of(Instant.EPOCH, Instant.parse("2025-03-01T12:34:56Z"),
                Instant.parse("2025-03-01T12:34:56.120Z"), Instant.parse("2025-03-01T12:34:56.123456Z"),
                Instant.parse("2025-03-01T12:34:56.123456789Z"), Instant.parse("2024-02-29T23:59:59.000001Z"),
                Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("1600-02-29T01:02:03Z"),
                Instant.parse("-0001-06-01T00:00:00Z"), Instant.parse("+10000-01-01T00:00:00Z"));
        Random random = new Random(7);
        List<Instant> all = new ArrayList<>(instants);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            all.add(Instant.ofEpochSecond(seconds, nano));
        }

        byte[] typed = write(csv -> all.forEach(t -> {
            csv.number(1).text(t.toString().substring(0, 4)).timestamp(t);
            csv.endRow();
        }));
        byte[] oracle = oracle(all.stream().map(t -> new Object[]{1, t.toString().substring(0, 4), t.toString()})
                .toList());

        assertThat(new String(typed, StandardCharsets.UTF_8))
                .isEqualTo(new String(oracle, StandardCharsets.UTF_8));
    }

    @Test
    void aCellLargerThanTheBufferIsWrittenWhole() {
        String huge = "é\"".repeat(CsvRowWriter.BUFFER_BYTES);

        assertSameBytes(List.<Object[]>of(new Object[]{1, huge, "after"}, new Object[]{2, "x", huge}));
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsRefused() {
        CsvRowWriter csv = CsvRowWriter.create(OutputStream.nullOutputStream(), HEADER);

        assertThatThrownBy(() -> csv.row(1, "two")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 cells, header has 3");
        assertThatThrownBy(() -> {
            csv.number(1).text("a");
            csv.endRow();
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 cells, header has 3");
        assertThatThrownBy(() -> csv.row(1, null, "x")).isInstanceOf(NullPointerException.class);
    }

    private static void assertSameBytes(List<Object[]> rows) {
        byte[] mine = write(csv -> rows.forEach(csv::row));
        byte[] theirs = oracle(rows);
        assertThat(new String(mine, StandardCharsets.UTF_8))
                .isEqualTo(new String(theirs, StandardCharsets.UTF_8));
        assertThat(mine).isEqualTo(theirs);
    }

    private static byte[] write(Consumer<CsvRowWriter> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvRowWriter csv = CsvRowWriter.create(out, HEADER)) {
            rows.accept(csv);
        }
        return out.toByteArray();
    }

    private static byte[] oracle(List<Object[]> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JacksonCsvOracle csv = JacksonCsvOracle.create(out, HEADER)) {
            rows.forEach(csv::row);
        }
        return out.toByteArray();
    }

    private static String asciiAndUnicode() {
        StringBuilder chars = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            chars.append(c);
        }
        return chars.append("éü€日😀").toString();
    }

    private static String randomText(Random random, String alphabet) {
        int length = random.nextInt(30);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isSurrogate(c)) {
                text.append("😀"); // whole pairs only: an unpaired surrogate is not text
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
