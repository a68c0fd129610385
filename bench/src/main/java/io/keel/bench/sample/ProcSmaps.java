package io.keel.bench.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The resident size of a JVM's Java heap, from {@code /proc/<pid>/smaps}.
 *
 * <p>Why: with {@code -Xms} equal to {@code -Xmx} the whole heap is committed at start, so "committed" is constant
 * and says nothing about RSS; G1 touches its pages only as it first uses them. What the heap really holds in RAM is
 * the resident part of its address range.
 *
 * <p>Which mappings: G1 reserves the heap as one address range of exactly the maximum heap size. On JDK 25 (checked
 * on a running {@code java -Xms512m -Xmx512m}) that range is one anonymous {@code rw-p} mapping plus, at its top,
 * the CDS archive's heap region mapped from {@code classes.jsa} and the anonymous rest: several adjacent mappings.
 * The heap is the first run of address-adjacent mappings whose sizes add up to exactly the maximum heap; its resident
 * size is the sum of their {@code Rss}. NaN when no such run exists (another collector's layout, not Linux, process
 * gone). Stateless; a read costs a pass over smaps (some milliseconds for a JVM with a few hundred mappings).
 */
public final class ProcSmaps {
    private ProcSmaps() {
    }

    /** Process {@code pid}'s resident heap in bytes, its heap being {@code maxHeapBytes} long; NaN when not found. */
    public static double heapResidentBytes(long pid, double maxHeapBytes) {
        if (!(maxHeapBytes > 0)) {
            return Double.NaN;
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "smaps"))) {
            return heapResidentBytes(lines.toList(), (long) maxHeapBytes);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One mapping: its address range and resident kilobytes. */
    private record Mapping(long start, long end, long rssKb) {
    }

    /** The resident bytes of the adjacent mappings in {@code smaps} lines that span exactly {@code maxHeapBytes}. */
    static double heapResidentBytes(List<String> smaps, long maxHeapBytes) {
        List<Mapping> mappings = parse(smaps);
        for (int i = 0; i < mappings.size(); i++) {
            long size = 0;
            long rssKb = 0;
            for (int j = i; j < mappings.size(); j++) {
                Mapping m = mappings.get(j);
                if (j > i && m.start() != mappings.get(j - 1).end()) {
                    break;
                }
                size += m.end() - m.start();
                rssKb += m.rssKb();
                if (size == maxHeapBytes) {
                    return rssKb * 1024.0;
                }
                if (size > maxHeapBytes) {
                    break;
                }
            }
        }
        return Double.NaN;
    }

    private static List<Mapping> parse(List<String> smaps) {
        List<Mapping> mappings = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (String line : smaps) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
            } else if (line.startsWith("Rss:") && start >= 0) {
                mappings.add(new Mapping(start, end, Long.parseLong(line.substring(4).strip().split("\\s+", -1)[0])));
                start = -1;
            }
        }
        return mappings;
    }
}
