package io.keel.runtime.admin;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The heap's classes by bytes, from the DiagnosticCommand MBean's {@code GC.class_histogram} (what
 * {@code jcmd <pid> GC.class_histogram} prints). With {@code live} it runs a full GC first and counts only reachable
 * objects; without it, it walks the heap as it is, garbage included, at one safepoint with no collection, which is
 * what makes it cheap enough for a live service. Thread-safe; blocks for that pause.
 */
final class ClassHistogram {
    /** One line of the histogram. */
    record Row(int rank, String className, long instances, long bytes) {
    }

    /** The top rows and the totals over every class. */
    record Result(boolean live, long totalInstances, long totalBytes, int classes, List<Row> top) {
    }

    private ClassHistogram() {
    }

    static Result take(boolean live, int top) {
        String text;
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String[] args = live ? new String[0] : new String[] {"-all"};
            text = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {args}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("GC.class_histogram failed: " + e.getMessage(), e);
        }
        return parse(text, live, top);
    }

    /** Parses {@code " 1:  12  3456  [B (java.base@25)"} lines and the {@code Total} line. */
    static Result parse(String text, boolean live, int top) {
        List<Row> rows = new ArrayList<>();
        long totalInstances = 0;
        long totalBytes = 0;
        int classes = 0;
        for (String line : text.split("\n", -1)) {
            String[] f = line.strip().split("\\s+", -1);
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes++;
                if (rows.size() < top) {
                    rows.add(new Row(Integer.parseInt(f[0].substring(0, f[0].length() - 1)), f[3],
                            Long.parseLong(f[1]), Long.parseLong(f[2])));
                }
            } else if (f.length == 3 && f[0].equals("Total")) {
                totalInstances = Long.parseLong(f[1]);
                totalBytes = Long.parseLong(f[2]);
            }
        }
        return new Result(live, totalInstances, totalBytes, classes, rows);
    }
}
