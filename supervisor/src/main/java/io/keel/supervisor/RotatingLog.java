package io.keel.supervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The workers' log file ({@code keel.log}), rotated by size: {@code keel.log} becomes {@code keel.log.1}, older files
 * shift up to {@code keel.log.<files>}, the oldest is deleted. Disk use is bounded by {@code maxSize * (files + 1)}.
 * Thread-safe: every worker's output pump appends whole lines under this object's lock.
 */
final class RotatingLog implements AutoCloseable {
    private final Path file;
    private final long maxSize;
    private final int files;
    private OutputStream out;
    private long size;

    RotatingLog(Path file, long maxSize, int files) {
        this.file = file;
        this.maxSize = maxSize;
        this.files = files;
        open();
    }

    private void open() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open log " + file, e);
        }
    }

    synchronized void line(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (size > 0 && size + bytes.length > maxSize) {
                rotate();
            }
            out.write(bytes);
            out.flush();
            size += bytes.length;
        } catch (IOException e) {
            System.err.println("keel supervisor: cannot write log " + file + ": " + e.getMessage());
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(sibling(files));
        for (int i = files - 1; i >= 1; i--) {
            if (Files.exists(sibling(i))) {
                Files.move(sibling(i), sibling(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, sibling(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path sibling(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
