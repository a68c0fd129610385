package io.keel.runtime.memory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code <data>/dumps}: heap dumps written on request or by the JVM on OutOfMemoryError. Bounded by count: {@link
 * #prune} keeps the newest {@code kept} {@code .hprof} files and deletes the rest. The service prunes at start (after a
 * crash dump) and after each dump it writes. Thread-safe as far as the file system is; deleting a file twice is fine.
 */
public final class DumpDirectory {
    /** The folder under the data dir (a constant, so the launcher's sizing reads it without starting logging). */
    public static final String FOLDER = "dumps";
    private static final Logger LOG = LoggerFactory.getLogger(DumpDirectory.class);

    private final Path path;

    private DumpDirectory(Path path) {
        this.path = path;
    }

    public static DumpDirectory of(Path dataDir) {
        return new DumpDirectory(dataDir.resolve(FOLDER));
    }

    public Path path() {
        return path;
    }

    /** Deletes all but the newest {@code kept} heap dumps; returns how many were deleted. */
    public int prune(int kept) {
        if (!Files.isDirectory(path)) {
            return 0;
        }
        List<Path> dumps;
        try (Stream<Path> files = Files.list(path)) {
            dumps = files.filter(f -> f.getFileName().toString().endsWith(".hprof"))
                    .sorted(Comparator.comparing(DumpDirectory::modified).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
        int deleted = 0;
        for (Path old : dumps.subList(Math.min(kept, dumps.size()), dumps.size())) {
            try {
                Files.deleteIfExists(old);
                deleted++;
                LOG.info("deleted old heap dump {} (keeping the newest {})", old, kept);
            } catch (IOException e) {
                LOG.warn("cannot delete old heap dump {}: {}", old, e.toString());
            }
        }
        return deleted;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
