package io.keel.bench.launch;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lines and bytes of a stream read to its end with a 64 KiB buffer: how both the store's CSV export and psql's COPY
 * are consumed, so their rates compare. Counting newlines is exact for the export's columns (no field holds a line
 * break). Immutable result.
 */
public record CsvCount(long lines, long bytes, String firstLine) {
    public static CsvCount read(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long lines = 0;
        long bytes = 0;
        StringBuilder first = new StringBuilder();
        int n;
        while ((n = in.read(buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    lines++;
                } else if (lines == 0 && first.length() < 500) {
                    first.append((char) (buf[i] & 0xFF));
                }
            }
            bytes += n;
        }
        return new CsvCount(lines, bytes, first.toString().strip());
    }
}
