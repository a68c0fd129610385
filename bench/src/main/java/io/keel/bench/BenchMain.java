package io.keel.bench;

import io.keel.bench.launch.LaunchSpec;
import io.keel.bench.launch.StoreLocator;
import io.keel.bench.report.BenchReport;
import io.keel.bench.scenario.CrashUnderLoad;
import io.keel.bench.scenario.DevLight;
import io.keel.bench.scenario.EventOptions;
import io.keel.bench.scenario.ExportScale;
import io.keel.bench.scenario.HeavyCost;
import io.keel.bench.scenario.NaiveComparison;
import io.keel.bench.scenario.Outcome;
import io.keel.bench.scenario.ProdMix;
import io.keel.bench.scenario.ReloadUnderLoad;
import io.keel.bench.scenario.RunOptions;
import io.keel.bench.scenario.ScaleOut;
import io.keel.bench.scenario.ScenarioContext;
import io.keel.bench.scenario.Soak;
import io.keel.bench.scenario.StormPart;
import io.keel.bench.scenario.UploadScale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Command line of the benchmark tool: one subcommand per scenario of the scenarios spec, and {@code docs}, which
 * regenerates docs/benchmarks.md from the committed reports. Exit codes: 0 report written, 3 report written but a
 * phase was invalid (figures n/a), 2 bad usage or the run failed (message printed). Not thread-safe; one invocation
 * per call.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Keel benchmark tool (loopback only).",
        subcommands = {BenchMain.DevLightCmd.class, BenchMain.ProdMixCmd.class, BenchMain.NaiveCmd.class,
            BenchMain.ExportScaleCmd.class, BenchMain.UploadScaleCmd.class, BenchMain.ScaleOutCmd.class,
            BenchMain.HeavyCostCmd.class, BenchMain.SoakCmd.class, BenchMain.ReloadCmd.class, BenchMain.CrashCmd.class,
            DocsCommand.class})
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        BenchReport.readGitCommit(); // the run's commit is the one checked out when it starts
        System.exit(execute(args, System.out));
    }

    /** Runs the tool in this JVM (tests call this); returns the exit code. */
    public static int execute(String[] args, PrintStream out) {
        CommandLine cl = new CommandLine(new BenchMain());
        String masked = "bench " + String.join(" ", mask(args));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof BenchException) {
                out.println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof ScenarioCommand s) {
                s.commandLine = masked;
                s.log = out;
            } else if (sub.getCommand() instanceof DocsCommand d) {
                d.log = out;
            }
        }
        return cl.execute(args);
    }

    static List<String> mask(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean secret = a.equals("--admin-token") || a.equals("--compare-admin-token");
            if (secret && i + 1 < args.length) {
                out.add(a);
                out.add("***");
                i++;
            } else if (a.startsWith("--admin-token=") || a.startsWith("--compare-admin-token=")) {
                out.add(a.substring(0, a.indexOf('=') + 1) + "***");
            } else {
                out.add(a);
            }
        }
        return out;
    }

    @Command(name = "dev-light", mixinStandardHelpOptions = true,
            description = "Light requests only: closed-loop peak, then latency at 50%% of it.")
    static final class DevLightCmd extends ScenarioCommand {
        @Override
        String name() {
            return "dev-light";
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            try (ServiceUnderTest service = services.start("store", true)) {
                return DevLight.run(new ScenarioContext(service, options, log));
            }
        }
    }

    @Command(name = "heavy-cost", mixinStandardHelpOptions = true,
            description = "Service CPU per thumbnail, invoice PDF and login, each closed-loop alone, "
                    + "--rounds times (at least 3).")
    static final class HeavyCostCmd extends ScenarioCommand {
        @Override
        String name() {
            return "heavy-cost";
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            try (ServiceUnderTest service = services.start("store", true)) {
                return HeavyCost.run(new ScenarioContext(service, options, log));
            }
        }
    }

    @Command(name = "prod-mix", mixinStandardHelpOptions = true,
            description = "Light load alone, then with the CPU/stream/SSE storm; ratio of light p99.")
    static class ProdMixCmd extends ScenarioCommand {
        @Option(names = "--compare-naive", description = "Also run the mix against the store with protections "
                + "off, in this invocation (same as the naive command).")
        boolean compareNaive;

        @Option(names = "--storm-parts", split = ",", description = "Run only these parts of the storm, to find "
                + "which one costs the light requests their tail: thumbnail, invoice, login, export, upload, sse, "
                + "orders (default: all, the prod-mix of scenarios.md).")
        List<String> stormParts = List.of();

        @Override
        String name() {
            return compareNaive ? "naive" : "prod-mix";
        }

        @Override
        long defaultSeedOrders() {
            return quick ? 2_000 : 1_000_000;
        }

        @Override
        double defaultRate() {
            return quick ? 100 : 1_000;
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            Set<StormPart> parts = stormParts.isEmpty() ? StormPart.ALL : StormPart.parse(stormParts);
            if (compareNaive) {
                if (!parts.equals(StormPart.ALL)) {
                    throw new BenchException("--storm-parts applies to prod-mix, not to the naive comparison");
                }
                return NaiveComparison.run(services, options, log);
            }
            try (ServiceUnderTest service = services.start("store", true)) {
                return ProdMix.run(new ScenarioContext(service, options, log), "prod-mix", parts);
            }
        }
    }

    @Command(name = "naive", mixinStandardHelpOptions = true, description = "prod-mix with protections on, then "
            + "the same against the store with protections off; ratio naive / protected.")
    static final class NaiveCmd extends ProdMixCmd {
        NaiveCmd() {
            compareNaive = true;
        }
    }

    @Command(name = "export-scale", mixinStandardHelpOptions = true,
            description = "CSV export of 100k/1M/10M orders: rows/s and peak RSS, vs PostgreSQL COPY.")
    static final class ExportScaleCmd extends ScenarioCommand {
        @Option(names = "--sizes", split = ",", description = "Order counts (default 100000,1000000,10000000; "
                + "quick 10000,100000).")
        List<Long> sizes = new ArrayList<>();
        @Option(names = "--db", description = "h2, postgres or both (default ${DEFAULT-VALUE}).")
        String db = "both";
        @Option(names = "--pg-url", description = "PostgreSQL for postgres runs and the COPY reference "
                + "(default ${DEFAULT-VALUE}); a fresh schema per run, dropped after.")
        String pgUrl = "postgresql://127.0.0.1:5432/test";

        @Override
        String name() {
            return "export-scale";
        }

        @Override
        long defaultSeedOrders() {
            return 0;
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            List<Long> s = sizes.isEmpty() ? (quick ? List.of(10_000L, 100_000L)
                    : List.of(100_000L, 1_000_000L, 10_000_000L)) : sizes;
            List<ExportScale.Db> dbs = switch (db) {
                case "h2" -> List.of(ExportScale.Db.H2);
                case "postgres" -> List.of(ExportScale.Db.POSTGRES);
                case "both" -> List.of(ExportScale.Db.H2, ExportScale.Db.POSTGRES);
                default -> throw new BenchException("--db must be h2, postgres or both, got '" + db + "'");
            };
            return ExportScale.run(services, options, new ExportScale.Options(s, dbs, pgUrl), log);
        }
    }

    @Command(name = "upload-scale", mixinStandardHelpOptions = true,
            description = "1 GB upload and download against a store with -Xmx256m: MB/s and peak RSS.")
    static final class UploadScaleCmd extends ScenarioCommand {
        @Option(names = "--size", description = "Bytes to upload, e.g. 1g, 64m (default 1g, quick 64m).",
                converter = SizeConverter.class)
        long size;

        @Override
        String name() {
            return "upload-scale";
        }

        @Override
        long defaultSeedOrders() {
            return 0;
        }

        @Override
        List<String> defaultJvmFlags() {
            return LaunchSpec.jvmFlags("256m");
        }

        @Override
        Map<String, String> peerEnvironment() {
            // As measured in issue 9: the reference with 128 MB of V8 old space against Keel's -Xmx256m.
            return Map.of("PEER_MAX_OLD_SPACE_MB", "128");
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            long bytes = size > 0 ? size : quick ? 64L << 20 : 1L << 30;
            try (ServiceUnderTest service = services.start("store", true)) {
                return UploadScale.run(new ScenarioContext(service, options, log), bytes);
            }
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true, description = "The production mix at moderate fixed "
            + "rates for a long run (--duration, default 30m; quick 8s): slopes per hour of the live heap (a full "
            + "collection every --live-every), RSS, threads, descriptors, sockets and every bounded pool and cache, "
            + "each judged as a leak or against its ceiling.")
    static final class SoakCmd extends ScenarioCommand {
        @Option(names = "--sample-every", converter = DurationConverter.class, description = "Soak sampling "
                + "interval (default 5s, quick 1s).")
        Duration sampleEvery = Duration.ZERO;

        @Option(names = "--live-every", converter = DurationConverter.class, description = "How often to take a "
                + "live heap histogram (a full collection in the service) for the live-heap line (default 2m, quick "
                + "2s; 0s = never).")
        Duration liveEvery;

        @Override
        String name() {
            return "soak";
        }

        @Override
        long defaultSeedOrders() {
            return quick ? 2_000 : 100_000;
        }

        @Override
        double defaultRate() {
            return quick ? 20 : 100;
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            Duration soak = options.duration().isZero()
                    ? (quick ? Duration.ofSeconds(8) : Duration.ofMinutes(30)) : options.duration();
            Duration every = sampleEvery.isZero() ? Duration.ofSeconds(quick ? 1 : 5) : sampleEvery;
            if (every.compareTo(Duration.ofMillis(200)) < 0 || every.compareTo(soak) > 0) {
                throw new BenchException("--sample-every must be 200ms..the soak duration (" + soak + "), got "
                        + every);
            }
            Duration live = liveEvery != null ? liveEvery : quick ? Duration.ofSeconds(2) : Duration.ofMinutes(2);
            if (!live.isZero() && (live.compareTo(every) < 0 || live.compareTo(soak) > 0)) {
                throw new BenchException("--live-every must be 0 or --sample-every (" + every + ")..the soak duration ("
                        + soak + "), got " + live);
            }
            if (options.settle().compareTo(soak) >= 0) {
                throw new BenchException("--settle must be shorter than the soak (" + soak + "), got "
                        + options.settle());
            }
            try (ServiceUnderTest service = services.start("store", true)) {
                return Soak.run(new ScenarioContext(service, options, log), soak, every, live);
            }
        }
    }

    @Command(name = "scale-out", mixinStandardHelpOptions = true, description = "The light mix through HAProxy in "
            + "front of 1, then 2 store instances on one PostgreSQL: throughput, p99 and CPU per instance.")
    static final class ScaleOutCmd extends ScenarioCommand {
        @Option(names = "--instances", split = ",", description = "Instance counts, the first is the reference "
                + "(default 1,2).")
        List<Integer> instances = new ArrayList<>(List.of(1, 2));
        @Option(names = "--pg-url", description = "PostgreSQL the instances share (default ${DEFAULT-VALUE}); a "
                + "fresh schema, dropped after.")
        String pgUrl = "postgresql://127.0.0.1:5432/test";

        @Override
        String name() {
            return "scale-out";
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            return ScaleOut.run(services, options, new ScaleOut.Options(instances, pgUrl, seedOrders()), log);
        }
    }

    /** Options of the supervised scenarios 6 and 7 (the store as ./keel start runs it). */
    abstract static class SupervisedCmd extends ScenarioCommand {
        @Option(names = "--db", description = "h2, postgres or both (default ${DEFAULT-VALUE}); H2 runs 1 worker, "
                + "PostgreSQL 2, as ./keel start does.")
        String db = "both";
        @Option(names = "--pg-url", description = "PostgreSQL for postgres runs (default ${DEFAULT-VALUE}); a fresh "
                + "schema, dropped after.")
        String pgUrl = "postgresql://127.0.0.1:5432/test";
        @Option(names = "--order-rate", description = "POST /api/orders per second on top of the light load "
                + "(default 20, quick 10).")
        double orderRate;

        @Override
        double defaultRate() {
            return quick ? 50 : 200;
        }

        EventOptions eventOptions() {
            if (storeClasspath.isPresent()) {
                throw new BenchException(name() + " runs the store through the checkout's ./keel start, which uses "
                        + "its own store/target jars: --store-classpath does not apply");
            }
            return new EventOptions(EventOptions.parseDb(db), StoreLocator.repoRoot(repo, Path.of("")
                    .toAbsolutePath()), pgUrl, orderRate != 0 ? orderRate : quick ? 10 : 20, seedOrders());
        }
    }

    @Command(name = "reload-under-load", aliases = "reload", mixinStandardHelpOptions = true, description = "Light "
            + "mix plus order placements (open loop) against ./keel start while the supervisor replaces every worker "
            + "(POST /reload): failed requests (0 required), p99 during vs before, acknowledged orders read back.")
    static final class ReloadCmd extends SupervisedCmd {
        @Override
        String name() {
            return "reload-under-load";
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            return ReloadUnderLoad.run(services, options, eventOptions(), log);
        }
    }

    @Command(name = "crash-under-load", aliases = "crash", mixinStandardHelpOptions = true, description = "Light mix "
            + "plus order placements (open loop) against ./keel start: SIGKILL of a worker (time to a ready "
            + "replacement, failed requests), then SIGKILL of everything and ./keel start again; every acknowledged "
            + "order read back.")
    static final class CrashCmd extends SupervisedCmd {
        @Override
        String name() {
            return "crash-under-load";
        }

        @Override
        Outcome run(ServiceSource services, RunOptions options) {
            return CrashUnderLoad.run(services, options, eventOptions(), log);
        }
    }

    /** Parses "1g", "64m", "512k" or a plain byte count. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String v) {
            var m = Pattern.compile("(\\d+)([kmg]?)")
                    .matcher(v.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a size like 1g, 64m, 4096");
            }
            long n = Long.parseLong(m.group(1));
            long bytes = switch (m.group(2)) {
                case "k" -> n << 10;
                case "m" -> n << 20;
                case "g" -> n << 30;
                default -> n;
            };
            if (bytes < 1 || bytes > (64L << 30)) {
                throw new CommandLine.TypeConversionException("size must be 1 byte..64g, got '" + v + "'");
            }
            return bytes;
        }
    }

    /** Parses "30s", "2m", "500ms", "1h" or ISO-8601 "PT30S". */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            var m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v.trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration like 30s, 2m, 500ms");
            }
        }
    }
}
