package io.keel.supervisor;

import io.keel.runtime.KeelSettingTable;
import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Setting;
import io.keel.runtime.config.SettingTable;
import io.keel.runtime.config.Settings;
import io.keel.runtime.memory.HeapSizing;
import io.keel.runtime.process.PidFile;
import io.keel.runtime.process.Signals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * {@code ./keel start} with {@code KEEL_WORKERS >= 1}: holds the pid file, starts the workers, prints the ready line,
 * serves status/reload/metrics on the control port, reloads on SIGHUP and drains every worker on SIGTERM/SIGINT
 * (exit 0). System properties from the launcher: {@code keel.worker.classpath}, {@code keel.worker.java-opts}.
 */
public final class SupervisorMain {
    private static final Path TCP_MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    private SupervisorMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(List.of(args)));
        } catch (ConfigException | PidFile.AlreadyRunningException e) {
            System.err.println("keel: " + e.getMessage());
            System.exit(2);
        }
    }

    @SuppressWarnings("try") // the pid file is held for its lock, never read
    static int run(List<String> args) throws InterruptedException {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.print(help());
            return 0;
        }
        Map<String, String> flags = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new ConfigException("unexpected argument '" + arg + "'; settings are --key=value");
            }
            flags.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        Settings s = Settings.load(System.getenv(), flags);
        SupervisorSettings settings = SupervisorSettings.from(s);
        String pidFile = s.string(KeelSettingTable.PID_FILE.withDefault(
                settings.dataDir().resolve("keel.pid").toString()));
        Optional<WorkerConfigFile> config = WorkerConfigFile.of(flags, System.getenv(), settings.dataDir());
        HeapSizing.Plan memory = HeapSizing.plan(s, jvmsSharingMemory(settings), true);
        List<String> command = baseCommand(args, config, memory);
        Optional<AotCache> aot = settings.aotCache() ? Optional.of(AotCache.forClasspath(classpath(),
                settings.dataDir().resolve("aot"))) : Optional.empty();
        try (PidFile pid = PidFile.acquire(Path.of(pidFile), settings.stopWithin());
             RotatingLog log = new RotatingLog(settings.dataDir().resolve("logs").resolve("keel.log"),
                     settings.logMaxSize(), settings.logFiles());
             Supervisor supervisor = new Supervisor(settings, workerCommand(command, config, aot),
                     HeapSizing.workerEnvironment(System.getenv()), log,
                     line -> say(line, log))) {
            say("memory: " + (settings.standbyWorkers() > 0 ? settings.workers() + " worker(s) and "
                    + settings.standbyWorkers() + " standby share the limit: " : "") + memory.arithmetic(), log);
            CountDownLatch stop = new CountDownLatch(1);
            for (String name : List.of("TERM", "INT")) {
                Signals.handle(name, () -> {
                    say("received SIG" + name + ", draining " + settings.workers() + " worker(s)", log);
                    stop.countDown();
                });
            }
            if (!supervisor.start()) {
                return 1;
            }
            aot.ifPresent(cache -> cache.trainInBackground(command, line -> say(line, log)));
            if (readFirstLine(TCP_MIGRATE_REQ).equals("0")) {
                say("net.ipv4.tcp_migrate_req is 0: a connection still in a stopping worker's accept queue is reset "
                        + "instead of handed to another worker; sysctl -w net.ipv4.tcp_migrate_req=1 fixes that", log);
            }
            try (ControlServer control = new ControlServer(settings.controlHost(), settings.controlPort(),
                    supervisor)) {
                writePort(settings.dataDir().resolve("supervisor.port"), control.port());
                Signals.handle("HUP", () -> Thread.ofVirtual().start(() -> {
                    try {
                        say(supervisor.reload().message(), log);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                String host = settings.store().host();
                System.out.println("store ready at http://" + ("0.0.0.0".equals(host) ? "localhost" : host) + ":"
                        + settings.store().port() + "/ (" + settings.workers() + " worker(s); ./keel status, "
                        + "./keel logs; supervisor on " + settings.controlHost() + ":" + control.port() + ")");
                stop.await();
                aot.ifPresent(AotCache::close);
            }
        }
        System.out.println("keel: stopped");
        return 0;
    }

    private static void say(String line, RotatingLog log) {
        System.out.println("keel supervisor: " + line);
        log.line("supervisor: " + line);
    }

    /**
     * The command for each worker start: with a config file, its copy without the supervisor's keys is refreshed
     * first; with a fresh AOT cache, the JVM uses it.
     */
    private static Supplier<List<String>> workerCommand(List<String> command, Optional<WorkerConfigFile> config,
                                                        Optional<AotCache> aot) {
        return () -> {
            config.ifPresent(WorkerConfigFile::refresh);
            List<String> start = new ArrayList<>(command);
            aot.ifPresent(cache -> start.addAll(1, cache.flags()));
            return start;
        };
    }

    private static String classpath() {
        return System.getProperty("keel.worker.classpath", System.getProperty("java.class.path"));
    }

    /**
     * The worker JVMs the memory limit is divided among: the serving workers and the standbys, which are as large
     * while they wait (sized for the workers alone, the standbys would push the workers over the limit).
     */
    static int jvmsSharingMemory(SupervisorSettings settings) {
        return settings.workers() + settings.standbyWorkers();
    }

    private static List<String> baseCommand(List<String> args, Optional<WorkerConfigFile> config,
                                            HeapSizing.Plan memory) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getProperty("keel.worker.java-opts", "").strip();
        List<String> javaOpts = opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));
        command.addAll(memory.before(javaOpts)); // before KEEL_JAVA_OPTS, so an -Xmx there still wins
        command.addAll(javaOpts);
        command.addAll(List.of("-Dkeel.log.format=json", "-cp", classpath(), "io.keel.store.StoreMain", "start"));
        command.addAll(SupervisorSettings.workerFlags(args).stream().filter(flag -> !flag.startsWith("--config="))
                .toList());
        config.ifPresent(file -> command.add("--config=" + file.copy()));
        // Last, so they win over the same keys in args: every worker binds the shared port, and its management listener
        // (loopback by default) takes a free port of its own, from which the supervisor reads its figures.
        command.addAll(List.of("--reuse-port=true", "--parent-watch=true", "--management-port=0"));
        return List.copyOf(command);
    }

    /** The file's first line, or "" when it cannot be read (no such sysctl before Linux 5.14, or no /proc). */
    private static String readFirstLine(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line = reader.readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void writePort(Path file, int port) {
        try {
            Files.writeString(file, port + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** {@code ./keel start --help}: the supervisor's and the runtime's settings, from their declarations. */
    static String help() {
        List<Setting> all = new ArrayList<>(SupervisorSettingTable.ALL);
        all.addAll(KeelSettingTable.ALL);
        return "Usage: ./keel start [--key=value ...]\nRuns the store's workers under the supervisor. Settings (flag "
                + "--key=value, variable KEEL_KEY, or key=value in --config FILE); the store's own settings are "
                + "listed in README.md and by `KEEL_WORKERS=0 ./keel start --help`:\n" + SettingTable.text(all);
    }
}
