package io.keel.store.http;

import java.util.Arrays;

/** Reads values out of a Prometheus text exposition. */
record Scrape(String text) {

    /**
     * The sum of every sample of {@code name} (exactly that name, any labels) whose labels contain all of
     * {@code labels} (fragments such as {@code currency="USD"}); 0 when there is none.
     */
    double value(String name, String... labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            if (Arrays.stream(labels).allMatch(series::contains)) {
                sum += Double.parseDouble(line.substring(end + 1));
            }
        }
        return sum;
    }
}
