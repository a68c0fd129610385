package io.keel.supervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the workers' Prometheus scrapes into one exposition: every sample gets a {@code worker="<slot>"} label and
 * each metric family is written once (its {@code # HELP}/{@code # TYPE} lines, then the samples of every worker), as
 * the text format requires. Nothing is summed, so no figure is counted twice and each worker stays visible.
 * Stateless.
 */
final class MetricsMerge {
    private MetricsMerge() {
    }

    private record Family(List<String> comments, List<String> samples) {
    }

    /** {@code scrapes}: slot to that worker's exposition text. */
    static String merge(Map<Integer, String> scrapes) {
        Map<String, Family> families = new LinkedHashMap<>();
        scrapes.forEach((slot, text) -> {
            Family current = null;
            for (String line : text.split("\n", -1)) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String name = line.substring(7).split(" ", 2)[0];
                    current = families.computeIfAbsent(name, n -> new Family(new ArrayList<>(), new ArrayList<>()));
                    if (current.comments().stream().noneMatch(c -> c.startsWith(line.substring(0, 7)))) {
                        current.comments().add(line);
                    }
                } else if (!line.startsWith("#")) {
                    if (current == null) {
                        current = families.computeIfAbsent(name(line), n -> new Family(new ArrayList<>(),
                                new ArrayList<>()));
                    }
                    current.samples().add(labelled(line, slot));
                }
            }
        });
        StringBuilder out = new StringBuilder();
        families.values().forEach(family -> {
            family.comments().forEach(c -> out.append(c).append('\n'));
            family.samples().forEach(s -> out.append(s).append('\n'));
        });
        return out.toString();
    }

    private static String name(String sample) {
        int end = 0;
        while (end < sample.length() && sample.charAt(end) != '{' && sample.charAt(end) != ' ') {
            end++;
        }
        return sample.substring(0, end);
    }

    /** The sample with {@code worker="slot"} as its first label (metric names hold neither '{' nor ' '). */
    static String labelled(String sample, int slot) {
        String name = name(sample);
        String rest = sample.substring(name.length());
        String label = "worker=\"" + slot + "\"";
        if (rest.startsWith("{}")) {
            return name + "{" + label + "}" + rest.substring(2);
        }
        return rest.startsWith("{") ? name + "{" + label + "," + rest.substring(1) : name + "{" + label + "}" + rest;
    }
}
