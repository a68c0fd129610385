package io.keel.bench.launch;

import io.keel.bench.BenchException;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a JDK 25+ to run the store with, in this order: {@code $JAVA_HOME}, the {@code java} on the PATH,
 * {@code /usr/lib/jvm/*25*}, and last the JVM running this tool (it is 25+ because the tool is compiled for 25).
 * The version is read from the JDK's {@code release} file, so nothing is executed. Stateless.
 */
public final class JavaLocator {
    static final int MIN_FEATURE = 25;
    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)");

    private JavaLocator() {
    }

    /** The {@code java} executable to use, given the environment and the JVM directory to scan. */
    public static Path find(Map<String, String> env, Path jvmDir) {
        List<Path> homes = new ArrayList<>();
        Optional.ofNullable(env.get("JAVA_HOME")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(homes::add);
        onPath(env.getOrDefault("PATH", "")).ifPresent(homes::add);
        homes.addAll(jvmDirs(jvmDir));
        homes.add(Path.of(System.getProperty("java.home")));
        for (Path home : homes) {
            Path java = home.resolve("bin").resolve("java");
            if (Files.isExecutable(java) && feature(home).orElse(0) >= MIN_FEATURE) {
                return java;
            }
        }
        throw new BenchException("no JDK " + MIN_FEATURE + "+ found (looked at " + homes + "); set JAVA_HOME "
                + "or pass --java /path/to/bin/java");
    }

    public static Path find() {
        return find(System.getenv(), Path.of("/usr/lib/jvm"));
    }

    /** Feature release (25 for 25.0.1) from {@code <home>/release}; empty when unreadable. */
    static OptionalInt feature(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The JDK home of the first {@code java} on the PATH, following symlinks (/usr/bin/java -> alternatives). */
    private static Optional<Path> onPath(String path) {
        for (String dir : path.split(File.pathSeparator, -1)) {
            if (dir.isBlank()) {
                continue;
            }
            Path java = Path.of(dir, "java");
            if (Files.isExecutable(java)) {
                try {
                    return Optional.ofNullable(java.toRealPath().getParent()).map(Path::getParent);
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static List<Path> jvmDirs(Path jvmDir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(jvmDir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvmDir, "*25*")) {
            dirs.forEach(out::add);
        } catch (IOException e) {
            // Unreadable: the remaining candidates are tried.
        }
        out.sort(null);
        return out;
    }
}
