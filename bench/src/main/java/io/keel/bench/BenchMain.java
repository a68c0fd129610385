package io.keel.bench;

import io.keel.bench.scenario.DevLight;
import io.keel.bench.scenario.ProdMix;
import io.keel.bench.scenario.RunOptions;
import io.keel.bench.scenario.ScenarioContext;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of the benchmark tool: one subcommand per scenario of the scenarios spec. Exit codes: 0 report
 * written, 2 bad usage or the run failed (message printed). Not thread-safe; one invocation per call.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Keel benchmark tool (loopback only).",
        subcommands = {BenchMain.DevLightCmd.class, BenchMain.ProdMixCmd.class, BenchMain.NaiveCmd.class,
            BenchMain.ExportScaleCmd.class, BenchMain.UploadScaleCmd.class})
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
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
            if (sub.getCommand() instanceof Scenario s) {
                s.commandLine = masked;
                s.out = out;
            }
        }
        return cl.execute(args);
    }

    static List<String> mask(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--admin-token") && i + 1 < args.length) {
                out.add(a);
                out.add("***");
                i++;
            } else if (a.startsWith("--admin-token=")) {
                out.add("--admin-token=***");
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** Options every scenario takes. */
    static final class Common {
        @Option(names = "--url", description = "Base URL of an already running service (loopback only). "
                + "Starting the service from the tool is not available yet.")
        Optional<URI> url = Optional.empty();
        @Option(names = "--pid", description = "PID of the running service, for RSS/CPU of its process tree.")
        OptionalLong pid = OptionalLong.empty();
        @Option(names = "--quick", description = "CI smoke run: short phases, whole run under 2 minutes.")
        boolean quick;
        @Option(names = "--rate", description = "Light requests per second; default 50%% of measured peak.")
        double rate;
        @Option(names = "--duration", description = "Length of each measured phase, e.g. 30s, 2m "
                + "(default 30s, quick 8s).", converter = DurationConverter.class)
        Duration duration = Duration.ZERO;
        @Option(names = "--connections", description = "Closed-loop connections for peak (default ${DEFAULT-VALUE}).")
        int connections = 64;
        @Option(names = "--no-wrk", description = "Use the built-in Java closed loop even when wrk is installed.")
        boolean noWrk;
        @Option(names = "--out", description = "Results folder (default bench-results/<timestamp>).")
        Optional<Path> out = Optional.empty();
        @Option(names = "--admin-token", defaultValue = "${env:KEEL_ADMIN_TOKEN}",
                description = "Operator token for admin routes (default: env KEEL_ADMIN_TOKEN).")
        Optional<String> adminToken = Optional.empty();
        @Option(names = "--service-jvm-flags", description = "JVM flags the service runs with, for the report.")
        String serviceJvmFlags = "unknown (external service)";
    }

    /** Base of every scenario command: builds options and the service, runs, prints where the report is. */
    abstract static class Scenario implements Callable<Integer> {
        @Mixin
        Common common = new Common();
        String commandLine = "bench";
        PrintStream out = System.out;

        abstract Function<ScenarioContext, Path> scenario();

        @Override
        public Integer call() {
            URI url = common.url.orElseThrow(() -> new BenchException("--url is required: starting the service "
                    + "from the tool is not implemented yet; start it (./keel start) and pass its URL"));
            // Hook for the launcher: a ServiceUnderTest that starts the store replaces ExternalService here.
            ServiceUnderTest service = new ExternalService(url, common.pid, common.serviceJvmFlags);
            Path outDir = common.out.orElseGet(() -> Path.of("bench-results",
                    LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            RunOptions options = new RunOptions(common.quick, common.rate, common.duration, common.connections,
                    !common.noWrk, outDir, common.adminToken.filter(t -> !t.isBlank()), commandLine);
            try (service) {
                Path md = scenario().apply(new ScenarioContext(service, options, out));
                out.println("report: " + md.toAbsolutePath());
                return 0;
            }
        }
    }

    @Command(name = "dev-light", mixinStandardHelpOptions = true, description = "Light requests only: closed-loop peak, then latency at 50%% of it.")
    static final class DevLightCmd extends Scenario {
        @Override
        Function<ScenarioContext, Path> scenario() {
            return DevLight::run;
        }
    }

    @Command(name = "prod-mix", mixinStandardHelpOptions = true, description = "Light load alone, then with the CPU/stream/SSE storm; ratios.")
    static final class ProdMixCmd extends Scenario {
        @Override
        Function<ScenarioContext, Path> scenario() {
            return ctx -> ProdMix.run(ctx, "prod-mix");
        }
    }

    @Command(name = "naive", mixinStandardHelpOptions = true, description = "prod-mix against a service started with its protections off.")
    static final class NaiveCmd extends Scenario {
        @Override
        Function<ScenarioContext, Path> scenario() {
            return ctx -> {
                ctx.note("naive baseline: the service at --url must have been started with protections off; "
                        + "the tool cannot check that");
                return ProdMix.run(ctx, "naive");
            };
        }
    }

    @Command(name = "export-scale", mixinStandardHelpOptions = true, description = "Not implemented yet: export 100k/1M/10M orders vs COPY.")
    static final class ExportScaleCmd extends Scenario {
        @Override
        Function<ScenarioContext, Path> scenario() {
            return ctx -> {
                throw new BenchException("export-scale is not implemented yet (needs seeding of 100k/1M/10M orders "
                        + "and a PostgreSQL COPY reference)");
            };
        }
    }

    @Command(name = "upload-scale", mixinStandardHelpOptions = true, description = "Not implemented yet: 1 GB upload/download with a small heap.")
    static final class UploadScaleCmd extends Scenario {
        @Override
        Function<ScenarioContext, Path> scenario() {
            return ctx -> {
                throw new BenchException("upload-scale is not implemented yet (needs the service started with "
                        + "-Xmx256m by the launcher)");
            };
        }
    }

    /** Parses "30s", "2m", "500ms", "1h" or ISO-8601 "PT30S". */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v.trim());
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
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration like 30s, 2m, 500ms");
            }
        }
    }
}
