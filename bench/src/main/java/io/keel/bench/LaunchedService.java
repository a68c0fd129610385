package io.keel.bench;

import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.Niceness;
import io.keel.bench.launch.ProcessOutput;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store JVM this tool started: child process on {@code 127.0.0.1}, port 0, its output copied to a log file, its
 * URL taken from the "store ready at http://...:PORT/" line. {@link #close()} sends SIGTERM, waits
 * {@link LaunchSpec#stopGrace()}, then SIGKILL; a JVM shutdown hook does the same if the tool itself is stopped, so
 * no store is left running. Thread-safe: close may be called from any thread, more than once.
 */
public final class LaunchedService implements ServiceUnderTest {
    static final Pattern READY = Pattern.compile("store ready at (https?)://[^\\s/]+:(\\d+)/");

    private final LaunchSpec spec;
    private final Process process;
    private final ProcessOutput output;
    private final URI url;
    private final Thread hook;

    private LaunchedService(LaunchSpec spec, Process process, ProcessOutput output, URI url, Thread hook) {
        this.spec = spec;
        this.process = process;
        this.output = output;
        this.url = url;
        this.hook = hook;
    }

    /** Starts the store and blocks until it logged that it is ready; its output goes to {@code logFile}. */
    public static LaunchedService start(LaunchSpec spec, Path logFile, PrintStream log) {
        log.println("starting store: " + String.join(" ", spec.startCommand()).replace(spec.classpath(), "<cp>"));
        Process p = spawn(spec.startCommand(), spec.environment(), logFile);
        Thread hook = Thread.ofPlatform().unstarted(() -> stop(p, Duration.ofSeconds(5)));
        Runtime.getRuntime().addShutdownHook(hook);
        ProcessOutput out = ProcessOutput.pump(p, logFile, READY);
        try {
            Matcher m = out.awaitMatch(spec.startTimeout()).orElseThrow(() -> new BenchException(
                    (!exitsWithin(p, Duration.ofSeconds(2)) ? "the store did not log 'store ready at' within " + spec.startTimeout()
                            : "the store exited with status " + exitValue(p) + " before it was ready")
                            + "; last lines of " + logFile + ":\n" + out.tail()));
            URI url = URI.create(m.group(1) + "://127.0.0.1:" + m.group(2));
            log.println("store ready at " + url + " (pid " + p.pid() + ", log " + logFile + ")");
            return new LaunchedService(spec, p, out, url, hook);
        } catch (RuntimeException e) {
            stop(p, spec.stopGrace());
            removeHook(hook);
            throw e;
        }
    }

    /**
     * Runs {@code seed --orders=N} in a child JVM against the spec's database and waits for it (at most
     * {@code timeout}). Seeding in its own process keeps its memory out of the service's RSS figures.
     */
    public static Duration seed(LaunchSpec spec, long orders, Duration timeout, Path logFile, PrintStream log) {
        int customers = (int) Math.max(10, Math.min(10_000, orders / 20));
        log.println("seeding " + orders + " orders into " + spec.dbUrl().orElse("H2 under " + spec.dataDir()));
        long start = System.nanoTime();
        Process p = spawn(spec.seedCommand(orders, customers), spec.environment(), logFile);
        ProcessOutput out = ProcessOutput.pump(p, logFile, Pattern.compile("seeded \\d+ orders|already holds"));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BenchException("seeding " + orders + " orders took longer than " + timeout
                        + " (raise --start-timeout); last lines:\n" + out.tail());
            }
            out.awaitEnd(Duration.ofSeconds(5));
            if (p.exitValue() != 0) {
                throw new BenchException("seeding failed with status " + p.exitValue() + "; last lines of "
                        + logFile + ":\n" + out.tail());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.println("seeded in " + took.toSeconds() + " s");
            return took;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while seeding", e);
        } finally {
            stop(p, Duration.ofSeconds(5));
        }
    }

    @Override
    public URI url() {
        return url;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public String jvmFlags() {
        return spec.jvmFlagsText();
    }

    public LaunchSpec spec() {
        return spec;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines the service printed, for error messages. */
    public String outputTail() {
        return output.tail();
    }

    @Override
    public void close() {
        stop(process, spec.stopGrace());
        output.awaitEnd(Duration.ofSeconds(2));
        removeHook(hook);
    }

    static Process spawn(List<String> command, Map<String, String> env, Path logFile) {
        return start(new ProcessBuilder(command), env, logFile);
    }

    /**
     * Starts {@code command} in {@code dir} with its output appended to {@code logFile} (nobody parses it); the
     * person's own KEEL_* and PEER_* settings do not leak into it.
     */
    static Process spawnIn(Path dir, List<String> command, Map<String, String> env, Path logFile) {
        return start(new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())), env, logFile);
    }

    private static Process start(ProcessBuilder pb, Map<String, String> env, Path logFile) {
        pb.command(Niceness.atServicePriority(pb.command()));
        pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The person's own KEEL_* and PEER_* settings (port, database...) must not leak into a measured service.
        pb.environment().keySet().removeIf(k -> k.startsWith("KEEL_") || k.startsWith("PEER_"));
        pb.environment().putAll(env);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            return pb.start();
        } catch (IOException e) {
            throw new BenchException("could not start " + pb.command().getFirst() + ": " + e.getMessage(), e);
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL and wait. Never throws. */
    static void stop(Process p, Duration grace) {
        if (!p.isAlive()) {
            return;
        }
        // Through the handle: Process.destroy() would also close our end of its stdout and lose its last words.
        p.toHandle().destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.toHandle().destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static boolean exitsWithin(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String exitValue(Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs and stops the child.
        }
    }
}
