package io.keel.store.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The repository's {@code ./keel} launcher run as a user runs it, on the jars this build just made
 * ({@code KEEL_SKIP_BUILD=1}), with a private data directory and only the {@code KEEL_*} variables a test gives.
 * A started service's output goes to a file; {@link #close()} kills whatever this object started and is still alive.
 */
final class Launcher implements AutoCloseable {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private final Path dataDir;
    private final Map<String, String> env;
    private Process service;
    private Path output;

    /** Output and exit code of a launcher command that ran to its end. */
    record Result(int code, String output) {
    }

    Launcher(Path dataDir, Map<String, String> env) {
        this.dataDir = dataDir;
        this.env = env;
    }

    /**
     * The store test kit's settings ({@link StoreUnderTest#settings}) as variables, with what launcher tests need on
     * top: a fixed port, a small seed, a supervisor on any port, a grace that lets a loaded worker drain, small JVMs.
     * The data directory is the launcher's own ({@code KEEL_DATA_DIR}, set per launcher).
     */
    static Map<String, String> baseEnv(int port) {
        Map<String, String> settings = StoreUnderTest.settings(Path.of("unused"));
        settings.remove("data-dir");
        settings.put("port", String.valueOf(port));
        settings.put("seed-orders", "20");
        settings.put("supervisor-port", "0");
        settings.put("shutdown-grace", "10s");
        Map<String, String> env = StoreUnderTest.environment(settings);
        env.put("KEEL_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        return env;
    }

    /** The {@code NAME=value} lines a running process was started with ({@code /proc/<pid>/environ}). */
    static List<String> environment(long pid) throws IOException {
        return List.of(Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dataDir() {
        return dataDir;
    }

    Path pidFile() {
        return dataDir.resolve("keel.pid");
    }

    private ProcessBuilder builder(List<String> args) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(ROOT.resolve("keel").toString())))
                .directory(ROOT.toFile()).redirectErrorStream(true);
        builder.command().addAll(args);
        Map<String, String> childEnv = builder.environment();
        childEnv.keySet().removeIf(name -> name.startsWith("KEEL_"));
        childEnv.put("JAVA_HOME", System.getProperty("java.home"));
        childEnv.put("KEEL_SKIP_BUILD", "1");
        childEnv.put("KEEL_DATA_DIR", dataDir.toString());
        childEnv.putAll(env);
        return builder;
    }

    /** Runs a launcher command to its end (at most {@code timeout}). */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return runToEnd(builder(List.of(args)), timeout, args);
    }

    private Result runToEnd(ProcessBuilder builder, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dataDir.getParent(), "keel-run", ".out");
        Process process = builder.redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./keel " + String.join(" ", args) + " did not end within " + timeout);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /**
     * Runs a launcher command in a mount namespace where {@code /usr/lib/jvm} is an empty folder and neither
     * {@code JAVA_HOME} nor {@code PATH} names a JDK 25, as on a machine without one (needs root, as CI has).
     */
    Result runWithoutJdk(Duration timeout, String... args) throws IOException, InterruptedException {
        Path empty = Files.createTempDirectory(dataDir.getParent(), "no-jdk");
        ProcessBuilder builder = builder(List.of(args));
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "sh", "-c",
                "mount --bind \"$0\" /usr/lib/jvm && exec \"$@\"", empty.toString()));
        command.addAll(builder.command());
        builder.command(command);
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("PATH", "/usr/bin:/bin");
        return runToEnd(builder, timeout, args);
    }

    /** {@code ./keel start} in the background; returns once it printed its ready line. */
    Process start(Duration timeout) throws IOException {
        return start(timeout, false);
    }

    /**
     * {@code ./keel start} in the background, on a pseudo-terminal made by {@code script} when {@code onTerminal};
     * returns once it printed its ready line.
     */
    Process start(Duration timeout, boolean onTerminal) throws IOException {
        output = Files.createTempFile(dataDir.getParent(), "keel-start", ".out");
        ProcessBuilder builder = builder(List.of("start"));
        if (onTerminal) {
            builder.command(List.of("script", "-qefc", String.join(" ", builder.command()), "/dev/null"));
        }
        service = builder.redirectOutput(output.toFile()).start();
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> output().contains("store ready at") || !service.isAlive());
        if (!service.isAlive()) {
            throw new AssertionError("./keel start exited with " + service.exitValue() + ":\n" + output());
        }
        return service;
    }

    /** What the started service printed so far. */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (service != null && service.isAlive()) {
            service.descendants().forEach(ProcessHandle::destroyForcibly);
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
