package io.keel.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Cache of seeded data directories, one per (service, order count, seed, schema), outside the checkout
 * ({@code --template-cache}, default {@code ~/.cache/keel-bench}): seeding 1,000,000 orders takes minutes, copying
 * the result seconds. Every run gets a fresh copy, so each starts from the same state. A template is seeded into a
 * temporary sibling and renamed into place only when seeding succeeded, so a broken seed never becomes a template.
 * Blocking file I/O; one invocation at a time per cache dir.
 */
public final class DataTemplates {
    private final Path root;
    private final PrintStream log;

    public DataTemplates(Path root, PrintStream log) {
        this.root = root.toAbsolutePath();
        this.log = log;
    }

    /** {@code $XDG_CACHE_HOME/keel-bench}, else {@code ~/.cache/keel-bench}. */
    public static Path defaultRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("keel-bench");
    }

    /** The template {@code key}, seeded by {@code seed} into an empty directory when not cached yet. */
    public Path ensure(String key, Consumer<Path> seed) {
        if (!key.matches("[A-Za-z0-9._-]+")) {
            throw new BenchException("template key must be a plain file name, got '" + key + "'");
        }
        Path dir = root.resolve(key);
        if (Files.isDirectory(dir)) {
            log.println("using cached seeded data " + dir);
            return dir;
        }
        Path tmp = root.resolve(key + ".tmp-" + ProcessHandle.current().pid());
        try {
            ServiceSource.deleteTree(tmp);
            Files.createDirectories(tmp);
            seed.accept(tmp);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            log.println("cached seeded data as " + dir);
            return dir;
        } catch (IOException e) {
            throw new BenchException("cannot prepare the data template " + dir + ": " + e.getMessage(), e);
        } finally {
            ServiceSource.deleteTree(tmp);
        }
    }

    /** Copies the template into {@code dest} (created; must be empty or absent). */
    public static void copy(Path template, Path dest) {
        try (Stream<Path> paths = Files.walk(template)) {
            for (Path p : paths.toList()) {
                Path target = dest.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BenchException("cannot copy the data template " + template + " to " + dest + ": " + e, e);
        }
    }

    /**
     * A short tag of the store's database schema: a hash of the migration file names found in the first class path
     * entry (jar or classes directory) that has any, so a template seeded before a new migration is not reused.
     * "unknown" when none is found.
     */
    static String schemaTag(String classpath) {
        for (String entry : classpath.split(File.pathSeparator, -1)) {
            if (entry.isBlank()) {
                continue;
            }
            List<String> names = migrations(Path.of(entry));
            if (!names.isEmpty()) {
                try {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    names.forEach(n -> md.update((n + "\n").getBytes(StandardCharsets.UTF_8)));
                    return HexFormat.of().formatHex(md.digest()).substring(0, 10);
                } catch (NoSuchAlgorithmException e) {
                    return "unknown";
                }
            }
        }
        return "unknown";
    }

    private static List<String> migrations(Path entry) {
        try {
            if (Files.isDirectory(entry.resolve("db/migration"))) {
                try (Stream<Path> files = Files.list(entry.resolve("db/migration"))) {
                    return files.map(f -> "db/migration/" + f.getFileName()).sorted().toList();
                }
            }
            if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
                try (ZipFile zip = new ZipFile(entry.toFile())) {
                    return zip.stream().map(ZipEntry::getName)
                            .filter(n -> n.startsWith("db/migration/") && !n.endsWith("/")).sorted().toList();
                }
            }
        } catch (IOException e) {
            // Unreadable entry: try the next one.
        }
        return List.of();
    }
}
