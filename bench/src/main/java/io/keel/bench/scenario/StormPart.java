package io.keel.bench.scenario;

import io.keel.bench.BenchException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One part of the prod-mix storm. {@code prod-mix --storm-parts} runs a subset, to find which part costs the light
 * requests their tail (docs/benchmarks.md, session 17): the figures of such a run describe that subset, not the
 * prod-mix of scenarios.md, and its report says so.
 */
public enum StormPart {
    /** Closed-loop 2000x2000 JPEG thumbnails, one connection per core. */
    THUMBNAIL,
    /** Closed-loop invoice PDFs, one connection per core. */
    INVOICE,
    /** Closed-loop logins (one Argon2id hash each), one connection per core. */
    LOGIN,
    /** Two CSV exports of every order, read at about 1 MB/s each. */
    EXPORT,
    /** Two 200 MB uploads paced over the whole storm. */
    UPLOAD,
    /** 50 event-stream subscribers, 5 of which never read. */
    SSE,
    /** 5 new orders a second. */
    ORDERS;

    /** Every part: the prod-mix of scenarios.md. */
    public static final Set<StormPart> ALL = Set.copyOf(EnumSet.allOf(StormPart.class));

    /** The parts named in {@code names} (case-insensitive, e.g. {@code thumbnail,sse}). */
    public static Set<StormPart> parse(List<String> names) {
        EnumSet<StormPart> parts = EnumSet.noneOf(StormPart.class);
        for (String name : names) {
            String n = name.strip();
            try {
                parts.add(valueOf(n.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BenchException("--storm-parts: unknown part '" + n + "'; known: " + describe(ALL));
            }
        }
        return Set.copyOf(parts);
    }

    /** The parts as the option spells them, in declaration order. */
    public static String describe(Set<StormPart> parts) {
        return Arrays.stream(values()).filter(parts::contains).map(StormPart::optionName)
                .collect(Collectors.joining(","));
    }

    String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
