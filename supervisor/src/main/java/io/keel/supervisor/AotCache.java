package io.keel.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The workers' JDK AOT cache (JEP 483/514/515: classes loaded and linked, method profiles), which roughly halves a
 * worker's CPU time to ready (README, "Supervision"). The JVM checks that the cache matches the class path and ignores
 * a stale one; this class decides when to make a new one: when the file is missing or older than a jar on the worker
 * class path (a new build). It is made by one training JVM in the background, a store on a free loopback port with a
 * throwaway embedded database, stopped once ready, which writes the cache as it exits. Workers started before it
 * exists run without it. Not thread-safe: used from the supervisor thread, the training from one thread of its own.
 */
final class AotCache implements AutoCloseable {
    private static final Duration TRAINING_LIMIT = Duration.ofMinutes(5);

    private final Path file;
    private final List<Path> jars;
    private volatile Process training;

    AotCache(Path file, List<Path> jars) {
        this.file = file;
        this.jars = jars;
    }

    /** The cache for a worker class path ({@code a.jar:lib/*}, as the launcher writes it), kept in {@code dir}. */
    static AotCache forClasspath(String classpath, Path dir) {
        List<Path> jars = new ArrayList<>();
        for (String entry : classpath.split(":", -1)) {
            if (entry.endsWith("/*")) {
                try (DirectoryStream<Path> lib = Files.newDirectoryStream(Path.of(entry.substring(0,
                        entry.length() - 2)), "*.jar")) {
                    lib.forEach(jars::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + entry, e);
                }
            } else if (!entry.isBlank()) {
                jars.add(Path.of(entry));
            }
        }
        return new AotCache(dir.resolve("store.aot"), jars);
    }

    private Path partial() {
        return file.resolveSibling(file.getFileName() + ".new");
    }

    /** Whether the cache exists and is newer than every jar: the JVM would accept it. */
    boolean fresh() {
        try {
            if (!Files.isRegularFile(file)) {
                return false;
            }
            FileTime made = Files.getLastModifiedTime(file);
            for (Path jar : jars) {
                if (Files.getLastModifiedTime(jar).compareTo(made) > 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The JVM flags that use the cache: none while it is missing or stale. */
    List<String> flags() {
        return fresh() ? List.of("-XX:AOTCache=" + file) : List.of();
    }

    /**
     * Starts the training run on a thread of its own unless the cache is fresh. {@code command} is a worker's
     * command (JVM, its options, class path, main class, {@code start}); the training's own settings go last, so
     * they win: a free loopback port without SO_REUSEPORT (it must never take the service's traffic), no config
     * file, an embedded database in a scratch folder, nothing seeded.
     */
    void trainInBackground(List<String> command, Consumer<String> say) {
        if (fresh()) {
            return;
        }
        List<String> training = new ArrayList<>(command);
        // written beside the cache and moved over it whole: a worker starting meanwhile never sees half a file
        training.add(1, "-XX:AOTCacheOutput=" + partial());
        Path scratch = file.resolveSibling("training");
        training.addAll(List.of("--port=0", "--host=127.0.0.1", "--reuse-port=false", "--config=", "--db-url=",
                "--data-dir=" + scratch, "--seed-orders=0", "--management-port=-1", "--parent-watch=true"));
        Thread.ofPlatform().daemon().name("keel-aot-training").start(() -> train(training, scratch, say));
    }

    /**
     * Kills a training run still going (the service is stopping: it must leave no process behind; the next start
     * trains again). Waits up to 10 s for it to go.
     */
    @Override
    public void close() {
        Process process = training;
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * 0, or 143 (SIGTERM's default action): the store installs its own SIGTERM handler just after it logs ready, so
     * on a loaded machine the signal can come first; the JVM writes the cache on that exit path too (seen in a
     * training at load 20 that was thrown away for exiting 143).
     */
    private static boolean cleanExit(int code) {
        return code == 0 || code == 128 + 15;
    }

    private void train(List<String> training, Path scratch, Consumer<String> say) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(scratch);
            // a partial file left by an earlier training that was killed must never be taken for this one's output
            Files.deleteIfExists(partial());
            Path log = file.resolveSibling("training.log");
            Process process = new ProcessBuilder(training).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            this.training = process;
            long deadline = System.nanoTime() + TRAINING_LIMIT.toNanos();
            while (process.isAlive() && System.nanoTime() < deadline
                    && !Files.readString(log).contains(Worker.READY_LINE)) {
                Thread.sleep(200);
            }
            process.toHandle().destroy(); // SIGTERM: a clean exit writes the cache
            if (!process.waitFor(TRAINING_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            } else if (cleanExit(process.exitValue()) && Files.isRegularFile(partial())) {
                // the JVM waited for the cache to be assembled before it exited
                Files.move(partial(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            say.accept(fresh() ? "AOT cache " + file + " made in " + Duration.ofNanos(System.nanoTime() - started)
                    .toSeconds() + " s; workers started from now on use it"
                    : "AOT cache training ended without a cache; see " + log);
        } catch (IOException e) {
            say.accept("AOT cache training failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
