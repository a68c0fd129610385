package io.keel.bench.sample;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One live heap histogram of the service, as its {@code GET /admin/heap/histogram?live=true} answers it: the store
 * runs a full collection first, so {@code totalBytes} is the live set at that moment, what a leak grows and nothing
 * else does (heap after an ordinary GC also holds garbage promoted since the last marking cycle). Immutable.
 *
 * @param second     seconds since the soak's sampling started
 * @param totalBytes bytes of every reachable object
 * @param classes    the top classes by bytes, in the order the service gave them
 */
public record LiveHeap(double second, long totalBytes, Map<String, ClassBytes> classes) {
    /** One class's reachable instances and bytes. */
    public record ClassBytes(long instances, long bytes) {
    }

    /** One class's change between two histograms; a class missing from one side counts 0 there. */
    public record Growth(String className, ClassBytes from, ClassBytes to) {
        public long bytes() {
            return to.bytes() - from.bytes();
        }

        public long instances() {
            return to.instances() - from.instances();
        }
    }

    public LiveHeap {
        classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
    }

    /** Reads the histogram endpoint's JSON ({@code totalBytes}, {@code top[].className/instances/bytes}). */
    public static LiveHeap parse(double second, JsonNode json) {
        if (!json.path("live").asBoolean(false) || !json.path("totalBytes").isNumber()) {
            throw new IllegalArgumentException("not a live heap histogram: " + abbreviate(json.toString()));
        }
        Map<String, ClassBytes> classes = new LinkedHashMap<>();
        for (JsonNode row : json.path("top")) {
            classes.put(row.path("className").asText(), new ClassBytes(row.path("instances").asLong(),
                    row.path("bytes").asLong()));
        }
        return new LiveHeap(second, json.path("totalBytes").asLong(), classes);
    }

    /** The bytes of one instance of {@code className}, NaN when it is not among the histogram's classes. */
    public double instanceBytes(String className) {
        ClassBytes c = classes.get(className);
        return c == null || c.instances() == 0 ? Double.NaN : (double) c.bytes() / c.instances();
    }

    /**
     * The {@code top} classes whose bytes grew most from {@code from} to {@code to}, largest growth first; classes
     * that shrank or stayed are left out. Only classes in either histogram's top rows can show.
     */
    public static List<Growth> growth(LiveHeap from, LiveHeap to, int top) {
        ClassBytes none = new ClassBytes(0, 0);
        Map<String, Growth> all = new LinkedHashMap<>();
        for (String name : from.classes().keySet()) {
            all.put(name, new Growth(name, from.classes().get(name), to.classes().getOrDefault(name, none)));
        }
        for (String name : to.classes().keySet()) {
            all.putIfAbsent(name, new Growth(name, none, to.classes().get(name)));
        }
        List<Growth> grown = new ArrayList<>();
        for (Growth g : all.values()) {
            if (g.bytes() > 0) {
                grown.add(g);
            }
        }
        grown.sort(Comparator.comparingLong(Growth::bytes).reversed());
        return grown.size() > top ? List.copyOf(grown.subList(0, top)) : List.copyOf(grown);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
