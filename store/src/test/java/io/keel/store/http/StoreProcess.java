package io.keel.store.http;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * The store as a separate JVM ({@code StoreMain start}), for what only a real process shows: signals, exit codes.
 * Its output goes to a file; the port is read from the "store ready at http://host:port/" log line.
 * {@link #close()} kills it if it is still running and deletes the log.
 */
final class StoreProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("store ready at http://[^/]+:(\\d+)/");

    private final Process process;
    private final Path logFile;
    private int port;

    private StoreProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code StoreMain start} with {@code flags} ({@code --key=value}) and waits until it is ready. */
    static StoreProcess start(List<String> flags, Duration startTimeout) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkeel.log.format=text", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", mainClassPath(), "io.keel.store.StoreMain", "start"));
        command.addAll(flags);
        StoreProcess store;
        try {
            Path logFile = Files.createTempFile("keel-store-process", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            // The child reads KEEL_* variables; only the flags given here may configure it.
            builder.environment().keySet().removeIf(name -> name.startsWith("KEEL_"));
            store = new StoreProcess(builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            await().atMost(startTimeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> store.readyPort().isPresent() || !store.process.isAlive());
            store.port = store.readyPort().orElseThrow();
        } catch (RuntimeException e) {
            String log = store.log();
            store.close();
            throw new AssertionError("the store did not log its URL within " + startTimeout + ":\n" + log, e);
        }
        return store;
    }

    /**
     * The test JVM's class path without test classes: the child must log with the service's own logback.xml,
     * not the quiet logback-test.xml, or its "ready" line would not appear.
     */
    private static String mainClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private Optional<Integer> readyPort() {
        Matcher ready = READY.matcher(log());
        return ready.find() ? Optional.of(Integer.parseInt(ready.group(1))) : Optional.empty();
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    /** Everything the process printed so far. */
    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(logFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
