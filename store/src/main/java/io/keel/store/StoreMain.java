package io.keel.store;

import io.keel.runtime.KeelConfig;
import io.keel.runtime.KeelSettingTable;
import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Setting;
import io.keel.runtime.config.SettingTable;
import io.keel.runtime.config.Settings;
import io.keel.runtime.process.ParentWatch;
import io.keel.runtime.process.PidFile;
import io.keel.store.accounts.Passwords;
import io.keel.store.db.Database;
import io.keel.store.seed.SeedPlan;
import io.keel.store.seed.SeedReport;
import io.keel.store.seed.Seeder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The store's command line: {@code start} runs the service, {@code seed} fills an empty database with demo data. */
@Command(name = "keel", mixinStandardHelpOptions = true, subcommands = {StoreMain.Start.class, StoreMain.Seed.class},
        description = "Keel reference store. Settings come from KEEL_* variables, --config FILE and --key=value flags.")
public final class StoreMain {
    private StoreMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, its {@code start --help} listing every setting from the declarations. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new StoreMain());
        List<Setting> all = new ArrayList<>(KeelSettingTable.ALL);
        all.addAll(StoreSettingTable.ALL);
        cl.getSubcommands().get("start").getCommandSpec().usageMessage()
                .footer("%nSettings (flag --key=value, variable KEEL_KEY, or key=value in --config FILE):%n",
                        SettingTable.text(all).replace("%", "%%"));
        return cl
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigException || e instanceof PidFile.AlreadyRunningException) {
                        cmd.getErr().println("keel: " + e.getMessage());
                        return 2;
                    }
                    // never rethrow: non-daemon threads (pools, JFR streams) would keep a failed JVM alive
                    LoggerFactory.getLogger(StoreMain.class).error("keel failed: {}", e.toString(), e);
                    return 1;
                });
    }

    /** {@code --key=value} and {@code --key value} pairs for the layered settings. */
    static Map<String, String> flags(List<String> args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "'; settings are --key=value");
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                flags.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.size()) {
                flags.put(arg.substring(2), args.get(++i));
            } else {
                throw new ConfigException("setting " + arg + " has no value");
            }
        }
        return flags;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Run the service in the foreground until SIGTERM/SIGINT.")
    static final class Start implements Callable<Integer> {
        @Unmatched
        List<String> settings = new ArrayList<>();

        @Override
        @SuppressWarnings("try") // the pid file is held for its lock, never read
        public Integer call() throws Exception {
            Map<String, String> flags = flags(settings);
            Settings s = Settings.load(System.getenv(), flags);
            // Read before the service starts, so requireAllKnown() counts them as known.
            String pidFile = s.string(KeelSettingTable.PID_FILE);
            boolean parentWatch = s.bool(KeelSettingTable.PARENT_WATCH);
            boolean standby = s.bool(KeelSettingTable.STANDBY);
            KeelConfig config = KeelConfig.from(s);
            Standby supervisor = new Standby();
            if (parentWatch) {
                ParentWatch.start(System.in, supervisor::command, () -> {
                    LoggerFactory.getLogger(StoreMain.class).warn("supervisor gone (stdin closed), shutting down");
                    supervisor.parentGone();
                });
            }
            // The pid file is taken before the database: a second start on the same data is refused at once.
            try (PidFile pid = pidFile.isBlank() ? null
                    : PidFile.acquire(Path.of(pidFile), config.drainDelay().plus(config.shutdownGrace()))) {
                Optional<StoreService> service = standby
                        ? supervisor.run(s, flags, rehearsal -> launcherKeysRead(Settings.load(System.getenv(),
                                rehearsal)))
                        : Optional.of(StoreService.start(s));
                if (service.isEmpty()) {
                    return 0; // the supervisor went away while this standby waited
                }
                supervisor.serving(service.get());
                service.get().keel().beforeListenerCloses(() -> supervisor.awaitSuccessor(config.shutdownGrace()));
                service.get().awaitShutdownSignal();
            }
            return 0;
        }

        /** The settings with the launcher's keys read, so {@code requireAllKnown()} counts them as known. */
        private static Settings launcherKeysRead(Settings s) {
            s.string(KeelSettingTable.PID_FILE);
            s.bool(KeelSettingTable.PARENT_WATCH);
            s.bool(KeelSettingTable.STANDBY);
            return s;
        }
    }

    @Command(name = "seed", description = "Seed an empty database with demo customers, products and orders.")
    static final class Seed implements Callable<Integer> {
        @Option(names = "--orders", defaultValue = "100000", description = "orders to create (default ${DEFAULT-VALUE})")
        long orders;

        @Option(names = "--customers", defaultValue = "10000", description = "customers (default ${DEFAULT-VALUE})")
        int customers;

        @Unmatched
        List<String> settings = new ArrayList<>();

        @Override
        public Integer call() {
            Settings s = Settings.load(System.getenv(), flags(settings));
            KeelConfig config = KeelConfig.from(s);
            StoreConfig store = StoreConfig.from(s, config.dataDir());
            try (Database db = Database.open(store.db(), new SimpleMeterRegistry())) {
                String hash = new Passwords(null, store.passwordMemoryKib(), store.passwordIterations())
                        .hashInline(StoreService.DEMO_PASSWORD);
                SeedReport report = new Seeder(Clock.systemUTC()).seed(db,
                        new SeedPlan(customers, 200, orders, hash, 42));
                if (report.skipped()) {
                    System.out.println("database already holds data; nothing seeded");
                } else {
                    System.out.printf("seeded %d orders (%d items) in %.1f s: %.0f rows/s%n", report.orders(),
                            report.items(), report.took().toMillis() / 1000.0, report.rowsPerSecond());
                }
            }
            return 0;
        }
    }
}
