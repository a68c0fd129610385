package io.keel.bench.naive;

import io.keel.runtime.config.Settings;
import io.keel.store.StoreService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's naive baseline: the real store assembled with {@link NaiveParts} (CPU work on request threads,
 * exports and uploads whole in memory) and every admission bound opened as wide as the settings allow. It lives in
 * the benchmark so that the shipped store has no switch that makes it unsafe; {@code ./keel bench naive} starts it
 * with the store's class path plus this module's classes. Arguments: {@code start --key=value ...}, as the store's.
 */
public final class NaiveStoreMain {
    private static final Logger LOG = LoggerFactory.getLogger(NaiveStoreMain.class);

    /** Admission control out of the way: a fixed limit far above any load the benchmark sends, no memory shedding. */
    static final Map<String, String> OPEN_BOUNDS = Map.of(
            "limit-initial", "100000",
            "limit-min", "100000",
            "limit-max", "100000",
            "limit-heavy-percent", "99",
            "max-streams", "100000",
            "heap-limit-percent", "100");

    private NaiveStoreMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0 || !args[0].equals("start")) {
            System.err.println("usage: NaiveStoreMain start [--key=value ...]");
            System.exit(2);
        }
        StoreService service = StoreService.start(Settings.load(System.getenv(), flags(args)), new NaiveParts());
        LOG.warn("NAIVE BASELINE: CPU work runs on request threads, exports and uploads are held whole in memory, "
                + "admission control is opened wide; a benchmark baseline, never a product");
        service.awaitShutdownSignal();
    }

    /** The benchmark's {@code --key=value} arguments over {@link #OPEN_BOUNDS}. */
    static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>(OPEN_BOUNDS);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            flags.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return flags;
    }
}
