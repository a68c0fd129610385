package io.keel.bench.sample;

import io.keel.bench.BenchException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Tiny parser of the Prometheus text exposition format (version 0.0.4): {@code name{l="v",...} value [timestamp]},
 * comment and blank lines skipped, label values unescaped ({@code \\ \" \n}), NaN and ±Inf accepted. It reads what
 * the bench needs and is not a validator: a malformed line fails with its line number. Immutable after parsing.
 */
public final class PrometheusText {
    /** One sample line. Immutable. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new BenchException("bad Prometheus line " + (i + 1) + ": '" + line + "' (" + e.getMessage()
                        + ")", e);
            }
        }
        return new PrometheusText(out);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Sum of all samples named {@code name} whose labels include every pair of {@code match}; empty if none. */
    public OptionalDouble sum(String name, Map<String, String> match) {
        return fold(name, match, true);
    }

    /** Largest matching sample; empty if none. */
    public OptionalDouble max(String name, Map<String, String> match) {
        return fold(name, match, false);
    }

    private OptionalDouble fold(String name, Map<String, String> match, boolean sum) {
        boolean found = false;
        double acc = sum ? 0 : Double.NEGATIVE_INFINITY;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
                found = true;
                acc = sum ? acc + s.value() : Math.max(acc, s.value());
            }
        }
        return found ? OptionalDouble.of(acc) : OptionalDouble.empty();
    }

    private static Sample parseLine(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = parseLabels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).strip().split("\\s+", -1);
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("no value");
        }
        return new Sample(name, labels, parseValue(rest[0]));
    }

    /** Parses labels starting after '{'; returns the index after '}'. */
    private static int parseLabels(String line, int i, Map<String, String> labels) {
        while (true) {
            while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                i++;
            }
            if (i >= line.length()) {
                throw new IllegalArgumentException("unterminated label set");
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("expected label=\"value\" at column " + (i + 1));
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char n = line.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("unterminated label value of '" + key + "'");
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }
}
