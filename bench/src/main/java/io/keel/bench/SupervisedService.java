package io.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.load.HttpClients;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store as an operator runs it: {@code ./keel start} of the checkout with {@code KEEL_WORKERS} workers under the
 * supervisor, on a fixed loopback port (the workers share it with SO_REUSEPORT, so it cannot be 0) and a data dir
 * of the tool's. The supervisor's output goes to a log file the tool reads for its ready lines; its control port
 * answers status, metrics and reload. The process tree of the supervisor holds every worker, so one pid samples the
 * whole service. {@link #close()} sends SIGTERM (every worker drains), then SIGKILLs whatever is left. Blocking;
 * thread-safe for reads, one thread kills or closes.
 */
public final class SupervisedService implements ServiceUnderTest {
    static final Pattern READY = Pattern.compile("store ready at https?://[^\\s/]+:(\\d+)/");
    /**
     * The supervisor's line for every worker start (README, "Supervision"): a cold start's {@code (CPU Y ms)}, or an
     * activated standby's {@code after its activation (standby for S ms; CPU since its spawn Y ms)}.
     */
    public static final Pattern WORKER_READY = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) ready in (\\d+) ms"
            + "( after its activation \\(standby for \\d+ ms; CPU since its spawn | \\(CPU )(\\d+) ms\\)");
    static final Pattern AOT_DONE = Pattern.compile("AOT cache \\S+ made in|AOT cache training failed");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process supervisor;
    private final LaunchSpec spec;
    private final Path logFile;
    private final URI url;
    private final int controlPort;
    /** Where this start's output begins in the (appended) log: older runs' lines are not this run's. */
    private final long logStart;
    /** Kills the process tree if the tool itself is stopped (Ctrl-C) before {@link #close()}. */
    private final Thread hook;
    private final HttpClient client = HttpClients.newClient(Duration.ofSeconds(5));

    /** One worker as {@code /status.json} lists it. */
    public record Worker(int slot, long pid, String state, long startupMs) {
    }

    /**
     * One worker ready line: {@code readyMs} from its spawn, or for a {@code warm} start (a prepared standby) from its
     * activation.
     */
    public record ReadyLine(int slot, long pid, long readyMs, long cpuMs, boolean warm) {
    }

    private SupervisedService(Process supervisor, LaunchSpec spec, Path logFile, URI url, int controlPort,
                              long logStart, Thread hook) {
        this.supervisor = supervisor;
        this.spec = spec;
        this.logFile = logFile;
        this.url = url;
        this.controlPort = controlPort;
        this.logStart = logStart;
        this.hook = hook;
    }

    /**
     * Runs {@code ./keel start} in {@code root} on {@code spec}'s data dir, database, token, JVM flags and settings,
     * with {@code workers} workers on {@code port}; blocks until the supervisor printed its ready line (at most the
     * spec's start timeout). The checkout must be built: the launcher is told not to build.
     */
    public static SupervisedService start(Path root, LaunchSpec spec, int workers, int port, Path logFile,
                                          PrintStream log) {
        List<String> command = new ArrayList<>(List.of(root.resolve("keel").toString(), "start"));
        spec.settings().forEach((k, v) -> command.add("--" + k + "=" + v));
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.put("JAVA_HOME", spec.java().toAbsolutePath().getParent().getParent().toString());
        env.put("KEEL_SKIP_BUILD", "1");
        env.put("KEEL_LOG_FORMAT", "text");
        env.put("KEEL_DATA_DIR", spec.dataDir().toString());
        env.put("KEEL_WORKERS", Integer.toString(workers));
        env.put("KEEL_HOST", "127.0.0.1");
        env.put("KEEL_PORT", Integer.toString(port));
        env.put("KEEL_SUPERVISOR_PORT", "0");
        env.put("KEEL_SEED_ORDERS", "0");
        env.put("KEEL_JAVA_OPTS", String.join(" ", spec.jvmFlags()));
        log.println("starting supervised store: KEEL_WORKERS=" + workers + " KEEL_PORT=" + port + " "
                + String.join(" ", command) + " (data " + spec.dataDir() + ")");
        long offset = readLog(logFile).length();
        Process p = LaunchedService.spawnIn(root, command, env, logFile);
        Thread hook = Thread.ofPlatform().unstarted(() -> killTree(p));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Matcher m = awaitLine(logFile, offset, READY, spec.startTimeout(), p).orElseThrow(() -> new BenchException(
                    (p.isAlive() ? "the supervisor did not print 'store ready at' within " + spec.startTimeout()
                            : "./keel start exited with status " + p.exitValue() + " before it was ready")
                            + "; see " + logFile));
            int control = Integer.parseInt(Files.readString(spec.dataDir().resolve("supervisor.port")).strip());
            URI url = URI.create("http://127.0.0.1:" + m.group(1));
            log.println("supervised store ready at " + url + " (supervisor pid " + p.pid() + ", control port "
                    + control + ", log " + logFile + ")");
            return new SupervisedService(p, spec, logFile, url, control, offset, hook);
        } catch (IOException | RuntimeException e) {
            killTree(p);
            removeHook(hook);
            throw e instanceof BenchException b ? b : new BenchException("supervised start failed: " + e, e);
        }
    }

    /** {@code ./keel start} again on the same data dir, database and port (after {@link #killAll()}). */
    public SupervisedService startAgain(Path root, int workers, PrintStream log) {
        return start(root, spec, workers, url.getPort(), logFile, log);
    }

    @Override
    public URI url() {
        return url;
    }

    /** The supervisor: its process tree holds every worker. */
    @Override
    public OptionalLong pid() {
        return OptionalLong.of(supervisor.pid());
    }

    @Override
    public String jvmFlags() {
        return spec.jvmFlagsText() + " (workers under ./keel start's supervisor)";
    }

    public Path logFile() {
        return logFile;
    }

    /** The workers {@code GET /status.json} lists now. */
    public List<Worker> workers() {
        JsonNode rows = readJson(control("GET", "/status.json"));
        List<Worker> out = new ArrayList<>();
        rows.forEach(r -> out.add(new Worker(r.path("slot").asInt(), r.path("pid").asLong(),
                r.path("state").asText(), r.path("startupMs").asLong(-1))));
        return out;
    }

    /** {@code POST /reload} on the control port; blocks until the supervisor answers (the whole reload). */
    public HttpResponse<String> reload() {
        return control("POST", "/reload");
    }

    /** Every ready line the supervisor printed since this start, in order. */
    public List<ReadyLine> readyLines() {
        String text = readLog(logFile);
        return readyLines(text.substring((int) Math.min(logStart, text.length())));
    }

    /** The ready lines of {@code text}. */
    public static List<ReadyLine> readyLines(String text) {
        List<ReadyLine> out = new ArrayList<>();
        Matcher m = WORKER_READY.matcher(text);
        while (m.find()) {
            out.add(new ReadyLine(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(5)), m.group(4).startsWith(" after")));
        }
        return out;
    }

    /**
     * Waits (at most {@code timeout}) until the supervisor's background AOT training of a fresh data dir ended, so
     * its CPU does not land in a measured window; true when it did.
     */
    public boolean awaitAotTraining(Duration timeout) {
        return awaitLine(logFile, logStart, AOT_DONE, timeout, supervisor).isPresent();
    }

    /** SIGKILL of one process (a worker), by pid; false when it was not alive. */
    public static boolean kill(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    /** SIGKILL of the supervisor and every process under it at once; waits until the supervisor is gone. */
    public void killAll() {
        killTree(supervisor);
    }

    public boolean isAlive() {
        return supervisor.isAlive();
    }

    /** SIGTERM (every worker drains), wait for the stop, then SIGKILL whatever is left. Never throws. */
    @Override
    public void close() {
        if (supervisor.isAlive()) {
            supervisor.toHandle().destroy();
            try {
                supervisor.waitFor(spec.stopGrace().toSeconds() + 30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        killTree(supervisor);
        removeHook(hook);
    }

    /**
     * The children first, then the supervisor: killed the other way round, each child would see its stdin pipe close
     * first and begin a graceful stop (closing its database) before its own SIGKILL, which is not "at once". A worker
     * the supervisor might spawn in between stops itself when the supervisor's pipe closes.
     */
    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.toHandle().destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs and kills the tree.
        }
    }

    private HttpResponse<String> control(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(5)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BenchException(method + " " + path + " on the supervisor's control port " + controlPort
                    + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + method + " " + path, e);
        }
    }

    private static JsonNode readJson(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BenchException("status.json is not JSON: " + r.body(), e);
        }
    }

    /** Polls {@code file} from byte {@code offset} every 100 ms for a line matching {@code p}, while {@code alive}. */
    private static Optional<Matcher> awaitLine(Path file, long offset, Pattern p, Duration timeout, Process alive) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = readLog(file);
            Matcher m = p.matcher(text.substring((int) Math.min(offset, text.length())));
            if (m.find()) {
                return Optional.of(m);
            }
            if (!alive.isAlive() || System.nanoTime() > end) {
                return Optional.empty();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private static String readLog(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new BenchException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
