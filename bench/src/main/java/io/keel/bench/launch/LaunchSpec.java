package io.keel.bench.launch;

import io.keel.bench.BenchException;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the tool starts a store JVM. Immutable; the {@code with...} methods return changed copies.
 *
 * @param java           the {@code java} executable (JDK 25+)
 * @param classpath      the store's class path
 * @param mainClass      {@code io.keel.store.StoreMain} (tests use a stand-in)
 * @param jvmFlags       heap/GC flags, recorded in the report (default {@link #jvmFlags jvmFlags("512m")})
 * @param dataDir        the service's data dir: embedded database and uploads (fresh, under the results folder)
 * @param protections    false only for the naive baseline: {@link #NAIVE_MAIN} on the store's class path plus this
 *                       tool's classes, instead of {@code mainClass}
 * @param adminToken     operator token, passed as {@code KEEL_ADMIN_TOKEN} so it never shows in {@code ps}
 * @param dbUrl          database url ({@code KEEL_DB_URL}); empty = embedded H2 under the data dir
 * @param settings       further store settings, {@code --key=value}
 * @param startTimeout   how long to wait for "store ready at" before giving up
 * @param stopGrace      after SIGTERM, how long to wait before SIGKILL
 * @param cpus           CPU list the store is pinned to ({@code taskset -c}), empty = not pinned
 */
public record LaunchSpec(Path java, String classpath, String mainClass, List<String> jvmFlags, Path dataDir,
                         boolean protections, String adminToken, Optional<String> dbUrl, Map<String, String> settings,
                         Duration startTimeout, Duration stopGrace, Optional<String> cpus) {
    public static final String STORE_MAIN = "io.keel.store.StoreMain";
    /** The naive baseline: the store assembled by the benchmark (CPU work inline, whole bodies in memory). */
    // A name, not a class literal: the tool's own JVM has no store classes to load NaiveStoreMain with.
    public static final String NAIVE_MAIN = "io.keel.bench.naive.NaiveStoreMain";
    public static final List<String> DEFAULT_JVM_FLAGS = jvmFlags("512m");

    /**
     * The memory and collector flags {@code ./keel start} gives a worker with a heap of {@code heap}
     * ({@code io.keel.runtime.memory.HeapSizing}: the whole heap committed at start, promotion after two young
     * collections, classes unloaded only at the metaspace ceiling, two carrier threads per core, the Vector API module
     * for the Argon2 kernel, the default ceilings
     * of metaspace, code cache and direct buffers; G1 and real thread priorities from the launcher), so a benchmark
     * measures the service as it ships. Written out here because this tool's JVM runs without the store's classes;
     * {@code LaunchSpecTest} checks them against {@code HeapSizing}.
     */
    public static List<String> jvmFlags(String heap) {
        return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:MaxTenuringThreshold=2", "-XX:TrimNativeHeapInterval=30000", "-XX:MaxMetaspaceSize=201326592",
                "-XX:MetaspaceSize=201326592", "-XX:-ClassUnloadingWithConcurrentMark",
                "-Djdk.virtualThreadScheduler.parallelism=" + 2 * Runtime.getRuntime().availableProcessors(),
                "--add-modules=jdk.incubator.vector", "-XX:ReservedCodeCacheSize=100663296", "-XX:MaxDirectMemorySize=67108864", "-XX:+UseG1GC",
                "-XX:ThreadPriorityPolicy=1");
    }

    public LaunchSpec {
        jvmFlags = List.copyOf(jvmFlags);
        settings = Map.copyOf(new LinkedHashMap<>(settings));
        for (String key : settings.keySet()) {
            if (!key.matches("[a-z0-9-]+") || List.of("host", "port", "data-dir").contains(key)) {
                throw new BenchException("--service-setting " + key + " is not allowed: keys are lower-case "
                        + "store settings, and host, port, data-dir are set by the tool");
            }
        }
        if (cpus.isPresent() && !cpus.get().matches("[0-9]+([-,][0-9]+)*")) {
            throw new BenchException("--pin-service must be a CPU list like 1 or 0-1 or 1,3, got '" + cpus.get()
                    + "'");
        }
        if (adminToken.isBlank()) {
            throw new BenchException("the launched service needs an admin token");
        }
    }

    /** Without pinning (tests, and callers that do not pin). */
    public LaunchSpec(Path java, String classpath, String mainClass, List<String> jvmFlags, Path dataDir,
                      boolean protections, String adminToken, Optional<String> dbUrl, Map<String, String> settings,
                      Duration startTimeout, Duration stopGrace) {
        this(java, classpath, mainClass, jvmFlags, dataDir, protections, adminToken, dbUrl, settings, startTimeout,
                stopGrace, Optional.empty());
    }

    public LaunchSpec withProtections(boolean on) {
        return new LaunchSpec(java, classpath, mainClass, jvmFlags, dataDir, on, adminToken, dbUrl, settings,
                startTimeout, stopGrace, cpus);
    }

    public LaunchSpec withJvmFlags(List<String> flags) {
        return new LaunchSpec(java, classpath, mainClass, flags, dataDir, protections, adminToken, dbUrl, settings,
                startTimeout, stopGrace, cpus);
    }

    public LaunchSpec withDataDir(Path dir) {
        return new LaunchSpec(java, classpath, mainClass, jvmFlags, dir, protections, adminToken, dbUrl, settings,
                startTimeout, stopGrace, cpus);
    }

    public LaunchSpec withDbUrl(Optional<String> url) {
        return new LaunchSpec(java, classpath, mainClass, jvmFlags, dataDir, protections, adminToken, url, settings,
                startTimeout, stopGrace, cpus);
    }

    public LaunchSpec withStartTimeout(Duration d) {
        return new LaunchSpec(java, classpath, mainClass, jvmFlags, dataDir, protections, adminToken, dbUrl, settings,
                d, stopGrace, cpus);
    }

    /** The flags as one string, for the report. */
    public String jvmFlagsText() {
        return String.join(" ", jvmFlags) + (protections ? "" : " (naive store build)");
    }

    /** {@code java <flags> -cp <cp> <main> start --host=127.0.0.1 --port=0 ...}. */
    public List<String> startCommand() {
        List<String> cmd = jvm();
        cmd.add("start");
        cmd.add("--host=127.0.0.1");
        cmd.add("--port=0");
        cmd.add("--data-dir=" + dataDir);
        settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        return cmd;
    }

    /** {@code java <flags> -cp <cp> <main> seed --orders=N --data-dir=...}: fills an empty database. */
    public List<String> seedCommand(long orders, int customers) {
        List<String> cmd = jvm(classpath, mainClass);
        cmd.add("seed");
        cmd.add("--orders=" + orders);
        cmd.add("--customers=" + customers);
        cmd.add("--data-dir=" + dataDir);
        return cmd;
    }

    /**
     * Environment for the child: secrets and the database url stay out of the command line, and malloc gets the
     * arena limit {@code ./keel start} gives a worker ({@code HeapSizing.MALLOC_ARENA_MAX}).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MALLOC_ARENA_MAX", "2");
        env.put("KEEL_ADMIN_TOKEN", adminToken);
        dbUrl.ifPresent(u -> env.put("KEEL_DB_URL", u));
        return env;
    }

    private List<String> jvm() {
        return protections ? jvm(classpath, mainClass) : jvm(classpath + File.pathSeparator + benchClasses(), NAIVE_MAIN);
    }

    /** Where this tool's classes are (its jar, or target/classes in tests): the naive build runs from there. */
    private static String benchClasses() {
        try {
            return Path.of(LaunchSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new BenchException("cannot locate the benchmark's own classes: " + e.getMessage(), e);
        }
    }

    private List<String> jvm(String cp, String main) {
        List<String> cmd = new ArrayList<>();
        cpus.ifPresent(c -> cmd.addAll(List.of("taskset", "-c", c)));
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        // Text logs: the tool reads the "store ready at" line; JSON would work too but is harder for people to read.
        cmd.add("-Dkeel.log.format=text");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(main);
        return cmd;
    }
}
