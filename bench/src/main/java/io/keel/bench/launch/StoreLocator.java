package io.keel.bench.launch;

import io.keel.bench.BenchException;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds the class path of the store from a Keel checkout: {@code store/target/keel-store-*.jar} plus
 * {@code store/target/lib/*} (what {@code mvn install -DskipTests} produces). The checkout is {@code --repo}, or the
 * first directory at or above the working directory that holds {@code store/pom.xml}. Stateless.
 */
public final class StoreLocator {
    private StoreLocator() {
    }

    /** The checkout root: {@code repo} when given, else searched upwards from {@code workingDir}. */
    public static Path repoRoot(Optional<Path> repo, Path workingDir) {
        if (repo.isPresent()) {
            if (!Files.isRegularFile(repo.get().resolve("store/pom.xml"))) {
                throw new BenchException("--repo " + repo.get() + " is not a Keel checkout (no store/pom.xml)");
            }
            return repo.get().toAbsolutePath().normalize();
        }
        for (Path d = workingDir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("store/pom.xml"))) {
                return d;
            }
        }
        throw new BenchException("cannot find the Keel checkout above " + workingDir.toAbsolutePath()
                + " (no store/pom.xml); run from the checkout, or pass --repo or --store-classpath");
    }

    /** {@code <jar>:<lib>/*} for the store built in {@code root}; fails with what to run when it is not built. */
    public static String classpath(Path root) {
        Path target = root.resolve("store/target");
        Optional<Path> jar = storeJar(target);
        Path lib = target.resolve("lib");
        if (jar.isEmpty() || !Files.isDirectory(lib)) {
            throw new BenchException("the store is not built in " + root + " (need store/target/keel-store-*.jar "
                    + "and store/target/lib/): run `mvn -o -B -q install -DskipTests` there first");
        }
        return jar.get() + File.pathSeparator + lib + File.separator + "*";
    }

    private static Optional<Path> storeJar(Path target) {
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "keel-store-*.jar")) {
            for (Path p : jars) {
                String name = p.getFileName().toString();
                if (!name.endsWith("-sources.jar") && !name.endsWith("-tests.jar")) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
