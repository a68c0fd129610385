package io.keel.bench;

import io.keel.bench.launch.JavaLocator;
import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.Niceness;
import io.keel.bench.launch.StoreLocator;
import io.keel.bench.load.Validity;
import io.keel.bench.sample.QuietWait;
import io.keel.bench.scenario.Outcome;
import io.keel.bench.scenario.RunOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Base of every scenario command: the options all scenarios share, where the service comes from (the store started
 * by the tool, or {@code --url}), and the optional reference service to compare against in the same invocation.
 * Subclasses say what to run. Exit codes: 0 report written and every phase valid; 3 report written but a phase was
 * invalid (its figures are n/a); 2 bad usage or failure. Not thread-safe; one invocation per instance.
 */
abstract class ScenarioCommand implements Callable<Integer> {
    static final int EXIT_INVALID = 3;

    @Option(names = "--url", description = "Base URL of an already running service (loopback only). Without it "
            + "the tool starts the store itself from the checkout.")
    Optional<URI> url = Optional.empty();
    @Option(names = "--pid", description = "PID of the service at --url, for RSS/CPU of its process tree.")
    Optional<Long> pid = Optional.empty();
    @Option(names = "--quick", description = "CI smoke run: short phases, small data, whole run under 2 minutes.")
    boolean quick;
    @Option(names = "--rate", description = "Light requests per second (dev-light default: 50%% of measured peak; "
            + "prod-mix/naive default: 1000, quick 100).")
    double rate;
    @Option(names = "--duration", description = "Length of each measured phase, e.g. 30s, 2m "
            + "(default 30s, quick 8s).", converter = BenchMain.DurationConverter.class)
    Duration duration = Duration.ZERO;
    @Option(names = "--connections", description = "Closed-loop connections for peak (default ${DEFAULT-VALUE}).")
    int connections = 64;
    @Option(names = "--no-wrk", description = "Use the built-in Java closed loop even when wrk is installed.")
    boolean noWrk;
    @Option(names = "--out", description = "Results folder (default bench-results/<scenario>-<timestamp>).")
    Optional<Path> out = Optional.empty();
    @Option(names = "--admin-token", defaultValue = "${env:KEEL_ADMIN_TOKEN}",
            description = "Operator token for admin routes and /metrics (default: env KEEL_ADMIN_TOKEN; a launched "
                    + "store gets a random one).")
    Optional<String> adminToken = Optional.empty();
    @Option(names = "--service-jvm-flags", description = "JVM flags of the service: used to start the store "
            + "(default: the heap, collector and memory-ceiling flags ./keel start gives a worker, "
            + "-Xms512m -Xmx512m ... -XX:+UseG1GC -XX:ThreadPriorityPolicy=1; upload-scale 256m); with --url only recorded.")
    Optional<String> serviceJvmFlags = Optional.empty();
    @Option(names = "--repo", description = "Keel checkout holding the built store (default: searched upwards "
            + "from the working directory).")
    Optional<Path> repo = Optional.empty();
    @Option(names = "--store-classpath", description = "Class path of the store instead of the checkout's "
            + "store/target jars.")
    Optional<String> storeClasspath = Optional.empty();
    @Option(names = "--java", description = "java executable for the store (default: JDK 25+ from JAVA_HOME, PATH, "
            + "/usr/lib/jvm).")
    Optional<Path> java = Optional.empty();
    @Option(names = "--db-url", description = "Database of the launched store (e.g. postgresql://127.0.0.1:5432/"
            + "test?currentSchema=bench); default: embedded H2 in a fresh data dir.")
    Optional<String> dbUrl = Optional.empty();
    @Option(names = "--seed-orders", description = "Orders to seed into the launched store (dev-light 1000; "
            + "prod-mix/naive 1000000, quick 2000).")
    Optional<Long> seedOrders = Optional.empty();
    @Option(names = "--service-setting", description = "Further store setting key=value for the launched store, "
            + "e.g. cpu-threads=2 (repeatable).")
    Map<String, String> serviceSettings = new LinkedHashMap<>();
    @Option(names = "--start-timeout", converter = BenchMain.DurationConverter.class,
            description = "Longest wait for seeding and for the store to be ready (default 2m + 2ms per order).")
    Optional<Duration> startTimeout = Optional.empty();
    @Option(names = "--keep-data", description = "Keep the launched store's data dirs under --out.")
    boolean keepData;
    @Mixin
    TrustOptions trust = new TrustOptions();
    @Mixin
    CompareOptions compare = new CompareOptions();

    String commandLine = "bench";
    PrintStream log = System.out;

    /** Scenario name, also the default results folder prefix. */
    abstract String name();

    /** Runs the scenario against one kind of service. */
    abstract Outcome run(ServiceSource services, RunOptions options);

    /** Orders to seed when --seed-orders is not given. */
    long defaultSeedOrders() {
        return 1_000;
    }

    /** JVM flags of the launched store when --service-jvm-flags is not given. */
    List<String> defaultJvmFlags() {
        return LaunchSpec.DEFAULT_JVM_FLAGS;
    }

    /** Environment of a launched peer for this scenario (e.g. a smaller heap for upload-scale). */
    Map<String, String> peerEnvironment() {
        return Map.of();
    }

    /** --rate when given, else the scenario's default (0 = derive from the measured peak). */
    double defaultRate() {
        return 0;
    }

    @Override
    public Integer call() {
        Path outDir = out.orElseGet(() -> Path.of("bench-results", name() + "-"
                + LocalDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        trust.pinGenerator(log);
        DataTemplates templates = new DataTemplates(trust.templateCache.orElseGet(DataTemplates::defaultRoot), log);
        Optional<String> token = adminToken.filter(t -> !t.isBlank());
        ServiceSource services;
        if (url.isPresent()) {
            services = ServiceSource.external(new ExternalService(url.get(),
                    pid.map(OptionalLong::of).orElse(OptionalLong.empty()),
                    serviceJvmFlags.orElse("unknown (external service)")), outDir, log);
        } else {
            if (pid.isPresent()) {
                throw new BenchException("--pid only goes with --url: a launched store's pid is known");
            }
            token = Optional.of(token.orElse("bench-" + UUID.randomUUID()));
            services = ServiceSource.launching(new KeelLauncher(launchSpec(token.get())), seedOrders(), outDir,
                    keepData, templates, log);
        }
        RunOptions options = new RunOptions(quick, rate != 0 ? rate : defaultRate(), duration, connections, !noWrk,
                outDir, token, commandLine, trust.rules(), trust.quiet(quick), trust.settle, trust.generatorCpus,
                trust.rounds.orElse(quick ? 1 : 2));
        try (services) {
            if (!compare.active()) {
                return report(run(services, options));
            }
            return report(Compared.run(this::run, services, compare, options, outDir, name(), seedOrders(),
                    templates, keepData, peerEnvironment(), trust.serviceCpus, log));
        }
    }

    private int report(Outcome o) {
        log.println("report: " + o.markdown().toAbsolutePath());
        if (!o.valid()) {
            o.report().invalid().forEach(i -> log.println("INVALID: " + i));
            log.println("some phases were invalid (figures n/a): exit " + EXIT_INVALID);
            return EXIT_INVALID;
        }
        return 0;
    }

    long seedOrders() {
        long n = seedOrders.orElse(defaultSeedOrders());
        if (n < 0 || n > 100_000_000) {
            throw new BenchException("--seed-orders must be in 0..100000000, got " + n);
        }
        return n;
    }

    private LaunchSpec launchSpec(String token) {
        String cp = storeClasspath.orElseGet(() -> StoreLocator.classpath(
                StoreLocator.repoRoot(repo, Path.of("").toAbsolutePath())));
        Path javaExe = java.orElseGet(JavaLocator::find);
        List<String> flags = serviceJvmFlags.map(f -> Arrays.stream(f.trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList()).orElse(defaultJvmFlags());
        return new LaunchSpec(javaExe, cp, LaunchSpec.STORE_MAIN, flags, Path.of("unset"), true, token, dbUrl,
                serviceSettings, startTimeout.orElse(ServiceSource.defaultStartTimeout(seedOrders())),
                Duration.ofSeconds(30), trust.serviceCpus);
    }

    /** Validity thresholds, quiet-machine wait, storm settle, repetitions, pinning, template cache. */
    static final class TrustOptions {
        @Option(names = "--max-dispatch-lag-p99", description = "A phase whose p99 dispatch lag exceeds this many "
                + "ms is invalid (default ${DEFAULT-VALUE}).")
        double maxLagP99Ms = Validity.Rules.DEFAULTS.maxDispatchLagP99Ms();
        @Option(names = "--max-dispatch-lag", description = "A phase whose largest dispatch lag exceeds this many "
                + "ms is invalid (default ${DEFAULT-VALUE}).")
        double maxLagMs = Validity.Rules.DEFAULTS.maxDispatchLagMs();
        @Option(names = "--max-overflow", description = "A phase in which more than this share of scheduled "
                + "requests was never sent is invalid (default ${DEFAULT-VALUE} = 0.1%%).")
        double maxOverflow = Validity.Rules.DEFAULTS.maxOverflowShare();
        @Option(names = "--quiet-wait", converter = BenchMain.DurationConverter.class, description = "Longest wait "
                + "for a quiet machine before each measured phase (default 60s, quick 0 = do not wait).")
        Optional<Duration> quietWait = Optional.empty();
        @Option(names = "--quiet-max-other", description = "Quiet = other processes use at most this %% of all "
                + "CPU (default ${DEFAULT-VALUE}).")
        double quietMaxOtherPercent = 10;
        @Option(names = "--settle", converter = BenchMain.DurationConverter.class, description = "Storm time before "
                + "the measured with-storm window (default 30s, quick 2s); soak: the time plotted but not fitted "
                + "(default a sixth of the soak, at most 5m).")
        Duration settle = Duration.ZERO;
        @Option(names = "--rounds", description = "Alternating repetitions: naive (protected/naive), export-scale "
                + "(export/reference) (default 2, quick 1).")
        Optional<Integer> rounds = Optional.empty();
        @Option(names = "--pin-generator", description = "CPU list for this tool and wrk (taskset), e.g. 0.")
        Optional<String> generatorCpus = Optional.empty();
        @Option(names = "--pin-service", description = "CPU list for the services it starts (taskset), e.g. 1.")
        Optional<String> serviceCpus = Optional.empty();
        @Option(names = "--generator-nice", description = "Nice value of this tool and wrk, -20..0; the services "
                + "it starts run at 0 (default ${DEFAULT-VALUE}; needs root or CAP_SYS_NICE, else it stays at 0).")
        int generatorNice = -10;
        @Option(names = "--template-cache", description = "Cache of seeded data dirs (default ~/.cache/keel-bench).")
        Optional<Path> templateCache = Optional.empty();

        Validity.Rules rules() {
            return new Validity.Rules(maxLagP99Ms, maxLagMs, maxOverflow);
        }

        QuietWait quiet(boolean quick) {
            return new QuietWait(quietWait.orElse(quick ? Duration.ZERO : Duration.ofSeconds(60)),
                    quietMaxOtherPercent / 100, Duration.ofSeconds(2));
        }

        void pinGenerator(PrintStream log) {
            generatorCpus.ifPresent(cpus -> Pinning.pinSelf(cpus, log));
            Niceness.raiseSelf(generatorNice, log);
        }
    }
}
