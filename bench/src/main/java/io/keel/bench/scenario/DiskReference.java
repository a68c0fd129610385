package io.keel.bench.scenario;

import io.keel.bench.BenchException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The references of upload-scale, equivalent to what the store does with an upload: write the bytes to a file on the
 * same disk and {@code fsync} it before counting it done (the store fsyncs every upload), then read the file back
 * (the store's download reads its just-written file, from the page cache just the same). Blocking. Stateless.
 */
final class DiskReference {
    private DiskReference() {
    }

    /** MB/s of the fsynced write and of the read. Immutable. */
    record Result(double writeMbps, double readMbps) {
    }

    static Result measure(Path dir, long size) {
        Path file = dir.resolve("disk-reference.bin");
        try {
            Files.createDirectories(dir);
            long start = System.nanoTime();
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING); InputStream in = new GeneratedBytes(size)) {
                byte[] buf = new byte[256 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                }
                out.force(true);
            }
            double write = size / 1e6 / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            long read = 0;
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(256 * 1024);
                int n;
                while ((n = in.read(b)) > 0) {
                    read += n;
                    b.clear();
                }
            }
            return new Result(write, read / 1e6 / ((System.nanoTime() - start) / 1e9));
        } catch (IOException e) {
            throw new BenchException("could not write the disk reference file " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left behind in the results folder; harmless.
            }
        }
    }
}
