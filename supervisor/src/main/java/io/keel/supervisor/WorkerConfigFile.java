package io.keel.supervisor;

import io.keel.runtime.config.ConfigException;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code --config} file as the workers see it: the operator's file without the supervisor's own keys, which a
 * worker would refuse as unknown. Rewritten before every worker start, so a reload picks up an edited file. The copy
 * is readable by its owner only (the file may hold the database password or the operator token) and replaced
 * atomically. Not thread-safe: the supervisor starts workers from its one thread.
 */
final class WorkerConfigFile {
    private final Path source;
    private final Path copy;

    private WorkerConfigFile(Path source, Path copy) {
        this.source = source;
        this.copy = copy;
    }

    /** The file named by the {@code config} flag or {@code KEEL_CONFIG}, as Settings reads it; empty when none. */
    static Optional<WorkerConfigFile> of(Map<String, String> flags, Map<String, String> env, Path dataDir) {
        String file = flags.getOrDefault("config", env.get("KEEL_CONFIG"));
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new WorkerConfigFile(Path.of(file), dataDir.resolve("worker.properties")));
    }

    Path copy() {
        return copy;
    }

    /** Writes the copy from the current source file; fails naming the file when it cannot be read. */
    void refresh() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(source)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + source + ": " + e.getMessage());
        }
        properties.keySet().removeIf(key -> SupervisorSettings.KEYS.contains(key.toString().trim()));
        try {
            Files.createDirectories(copy.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(copy.toAbsolutePath().getParent(), "worker", ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(tmp)) {
                properties.store(writer, "written by the keel supervisor from " + source.toAbsolutePath()
                        + " without the supervisor's keys; edit that file, not this one");
            }
            Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + copy, e);
        }
    }
}
