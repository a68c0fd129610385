package io.keel.runtime.memory;

import io.keel.runtime.KeelSettingTable;
import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Settings;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Sizes a worker JVM's heap from the machine: the one place the launcher ({@code ./keel start} with no supervisor, via
 * {@link #main}) and the supervisor (for each worker command line) get their memory flags from.
 *
 * <p>With {@code KEEL_MAX_HEAP} set, that is the heap. Otherwise, under a cgroup memory limit, each worker's budget is
 * {@code (limit - supervisor) / workers}, and the heap is that budget minus metaspace, code cache, direct buffers,
 * thread stacks and a native share (GC structures, malloc); the non-heap parts get matching JVM ceilings so the sum
 * holds. Without either, the heap is 512 MiB. Every plan also writes a heap dump into {@code <data>/dumps} on
 * {@code OutOfMemoryError} and exits, so the supervisor starts a fresh worker; {@link DumpDirectory} keeps the newest few.
 *
 * <p>The heap is committed whole from the start ({@code -Xms} = {@code -Xmx}), because the budget above already counts
 * all of it. With a small initial heap, G1 shrank a store under light load to 171 MiB, where the old generation
 * (about 80 MiB: the embedded database's page cache and the JIT's data) sat above its marking threshold: 96
 * concurrent cycles in 140 s, each with a 7-35 ms remark pause, which set the light requests' p99 (GC logs in
 * docs/benchmarks.md). Objects are promoted after two young collections ({@code -XX:MaxTenuringThreshold=2}): the
 * database's page cache lives for seconds to minutes, and at the default of 15 each young pause copied its 16 MiB
 * again (13-20 ms pauses under light load, against 1-3 ms at 2). Memory malloc keeps after it is freed is returned
 * to the kernel every {@link #TRIM_NATIVE_HEAP_INTERVAL_MS}.
 *
 * <p>Classes are unloaded only when metaspace reaches its ceiling, in a full collection, not in every concurrent
 * cycle ({@code -XX:-ClassUnloadingWithConcurrentMark}, with the first metaspace collection at the ceiling, not at
 * the JVM's 21 MB default): unloading made 95% of each remark pause, 7-15 ms of 8-16 ms under the storm, every 8 s, for
 * a store whose classes never die (metaspace 46.1 → 46.5 MB over a 30-minute soak). Remarks now take 1-3 ms. A
 * service that keeps generating classes fills metaspace and gets a full collection there; the soak's metaspace slope
 * and {@code jvm_memory_used_bytes{area="nonheap"}} show such growth long before.
 *
 * <p>Stateless and side-effect free; {@link #plan} fails with a {@link ConfigException} when the limit leaves less
 * than {@link #MIN_HEAP} of heap, showing the arithmetic.
 */
public final class HeapSizing {
    /** The heap when neither a limit nor {@code KEEL_MAX_HEAP} is given: what {@code ./keel start} always used. */
    public static final long DEFAULT_HEAP = 512L << 20;
    /** Below this a worker cannot hold the store's working set; refuse to start rather than thrash. */
    public static final long MIN_HEAP = 64L << 20;
    /**
     * What the supervisor JVM itself takes (48 MiB heap and its non-heap) when it runs the workers: a running
     * supervisor's RSS read 80-86 MiB (VmRSS, two readings 20 s apart, on the 2-core development machine).
     */
    public static final long SUPERVISOR_RESERVE = 96L << 20;
    /** Young collections an object survives before promotion (see the class comment); the JVM's default is 15. */
    public static final int MAX_TENURING_THRESHOLD = 2;
    /**
     * How often the JVM hands memory that glibc's malloc keeps after {@code free} back to the kernel
     * ({@code -XX:TrimNativeHeapInterval}, {@code malloc_trim}); the JVM's default is never. Threads that JDK pools
     * start for seconds each get a malloc arena, and what they free stays resident: a 30-minute soak grew RSS outside
     * the heap and JIT by 10 MB/h in steps as such threads came and went, with no native category of the JVM's own
     * growing (docs/benchmarks.md, soak).
     */
    public static final int TRIM_NATIVE_HEAP_INTERVAL_MS = 30_000;
    /**
     * Carrier threads of the virtual-thread scheduler per core ({@code -Djdk.virtualThreadScheduler.parallelism});
     * the JDK's default is one. A carrier runs a virtual thread until it blocks, so with one per core a light request
     * that arrives while both carriers run other requests' code (an upload's hashing, an SSE fan-out, a page of an
     * export) waits for one of them to finish; with two per core the kernel shares the cores between them in slices.
     * Under the prod-mix storm on 2 cores (three pairs of runs, 1,000,000 orders), light p99 with the storm was 5.5,
     * 7.8 and 7.8 ms against 8.0, 10.4 and 11.0 ms with one per core, heavy work 0-6% higher (docs/benchmarks.md,
     * session 11). {@code KEEL_JAVA_OPTS} can set another count; they come last and win.
     */
    public static final int CARRIERS_PER_CORE = 2;
    /**
     * Resolves the JDK's incubating Vector API for the service's CPU kernels (the store's Argon2 runs on it, about half
     * the CPU of the C library). Code using it must check that the module is resolved and fall back without it. The
     * JVM prints one warning line at start for an incubating module.
     */
    public static final String VECTOR_MODULE_FLAG = "--add-modules=jdk.incubator.vector";
    /** glibc's environment variable for how many malloc arenas a process may have; its default is 8 per core. */
    public static final String MALLOC_ARENA_MAX_VARIABLE = "MALLOC_ARENA_MAX";
    /**
     * The malloc arenas a worker may have (glibc's default is 8 per core, 16 on two cores). A store under prod-mix
     * filled all 16, whose resident memory (56-77 MB) is freed memory scattered over arenas that trims cannot give
     * back whole; with 2 its peak RSS was 683 MB against 748 at the same throughput (docs/benchmarks.md, soak).
     */
    public static final int MALLOC_ARENA_MAX = 2;

    /** The JVM flags for one worker and the arithmetic behind them, as one log line. */
    public record Plan(long heapBytes, List<String> jvmFlags, String arithmetic) {
        /**
         * The flags to put before {@code javaOpts} ({@code KEEL_JAVA_OPTS}, which come last and win): without the
         * initial heap when they set the maximum heap themselves, since an initial heap above their maximum would
         * stop the JVM from starting.
         */
        public List<String> before(List<String> javaOpts) {
            boolean ownMax = javaOpts.stream().anyMatch(opt -> opt.startsWith("-Xmx")
                    || opt.startsWith("-XX:MaxHeapSize="));
            return ownMax ? jvmFlags.stream().filter(flag -> !flag.startsWith("-Xms")).toList() : jvmFlags;
        }
    }

    private HeapSizing() {
    }

    /**
     * The heap and the other areas' ceilings for each worker, from the settings and the limit.
     *
     * @param settings   the memory settings
     * @param limit      the cgroup limit, if any
     * @param workers    worker JVMs sharing the limit (1 without a supervisor)
     * @param supervised whether a supervisor JVM shares the limit too
     * @param dumpDir    where a heap dump goes on OutOfMemoryError
     */
    public static Plan plan(MemorySettings settings, CgroupMemory.Limit limit, int workers, boolean supervised,
                            Path dumpDir) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        long reserved = settings.maxMetaspace() + settings.codeCache() + settings.maxDirectMemory()
                + settings.threadStacks();
        String parts = "metaspace " + mib(settings.maxMetaspace()) + " + code cache " + mib(settings.codeCache())
                + " + direct " + mib(settings.maxDirectMemory()) + " + stacks " + mib(settings.threadStacks());
        long heap;
        String arithmetic;
        if (settings.maxHeap() > 0) {
            heap = settings.maxHeap();
            long perWorker = heap + reserved + heap * settings.nativePercent() / (100 - settings.nativePercent());
            arithmetic = "heap " + mib(heap) + " from KEEL_MAX_HEAP; a worker needs about " + mib(perWorker)
                    + " with " + parts + " + native " + settings.nativePercent() + "%";
            OptionalLong cap = limit.bytes();
            if (cap.isPresent() && perWorker * workers > cap.getAsLong()) {
                arithmetic += "; WARNING: " + workers + " worker(s) need more than the cgroup limit "
                        + mib(cap.getAsLong()) + " (" + limit.source() + "), expect OOM kills";
            }
        } else if (limit.bytes().isPresent()) {
            long total = limit.bytes().getAsLong();
            long shared = supervised ? total - SUPERVISOR_RESERVE : total;
            long budget = shared / workers;
            long nativeShare = budget * settings.nativePercent() / 100;
            heap = budget - reserved - nativeShare;
            arithmetic = "cgroup limit " + mib(total) + " (" + limit.source() + ")"
                    + (supervised ? " - supervisor " + mib(SUPERVISOR_RESERVE) : "") + " / " + workers
                    + " worker(s) = " + mib(budget) + " per worker - " + parts + " - native "
                    + settings.nativePercent() + "% " + mib(nativeShare) + " = heap " + mib(heap);
            if (heap < MIN_HEAP) {
                throw new ConfigException("memory limit too small: " + arithmetic + ", below the minimum heap "
                        + mib(MIN_HEAP) + "; raise the limit, run fewer workers (KEEL_WORKERS), lower the reserves "
                        + "(KEEL_MAX_METASPACE, KEEL_CODE_CACHE, KEEL_MAX_DIRECT_MEMORY, KEEL_THREAD_STACK_RESERVE) "
                        + "or set KEEL_MAX_HEAP");
            }
        } else {
            heap = DEFAULT_HEAP;
            arithmetic = "no memory limit found (" + limit.source() + "), KEEL_MAX_HEAP unset: heap " + mib(heap)
                    + " default, " + parts;
        }
        heap &= ~((1L << 20) - 1); // whole MiB, so the flag reads like the log
        List<String> flags = List.of(
                "-Xmx" + heap,
                "-Xms" + heap,
                "-XX:MaxTenuringThreshold=" + MAX_TENURING_THRESHOLD,
                "-XX:TrimNativeHeapInterval=" + TRIM_NATIVE_HEAP_INTERVAL_MS,
                "-XX:MaxMetaspaceSize=" + settings.maxMetaspace(),
                "-XX:MetaspaceSize=" + settings.maxMetaspace(),
                "-XX:-ClassUnloadingWithConcurrentMark",
                carriersFlag(Runtime.getRuntime().availableProcessors()),
                VECTOR_MODULE_FLAG,
                "-XX:ReservedCodeCacheSize=" + settings.codeCache(),
                "-XX:MaxDirectMemorySize=" + settings.maxDirectMemory(),
                "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:HeapDumpPath=" + dumpDir.toAbsolutePath(),
                "-XX:+ExitOnOutOfMemoryError");
        return new Plan(heap, flags, arithmetic);
    }

    /** The plan for this machine and these settings, reading the cgroup limit from {@code /}. */
    public static Plan plan(Settings s, int workers, boolean supervised) {
        Path dumps = s.path(KeelSettingTable.DATA_DIR).resolve(DumpDirectory.FOLDER);
        return plan(MemorySettings.from(s), CgroupMemory.system().limit(), workers, supervised, dumps);
    }

    /**
     * The launcher's entry: prints the flags on one line on standard output and the arithmetic on standard error.
     * Arguments are {@code ./keel start}'s {@code --key=value} flags (others are ignored: the service checks them).
     * Exit status 2 with the reason when the settings or the limit do not allow a worker to start.
     */
    public static void main(String[] args) {
        Map<String, String> flags = new HashMap<>();
        Arrays.stream(args).filter(a -> a.startsWith("--") && a.indexOf('=') > 2)
                .forEach(a -> flags.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1)));
        try {
            Plan plan = plan(Settings.load(System.getenv(), flags), 1, false);
            System.err.println("keel: memory: " + plan.arithmetic());
            String javaOpts = System.getenv().getOrDefault("KEEL_JAVA_OPTS", "").strip();
            System.out.println(String.join(" ", plan.before(javaOpts.isEmpty() ? List.of()
                    : Arrays.asList(javaOpts.split("\\s+")))));
        } catch (ConfigException e) {
            System.err.println("keel: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * The environment a worker adds to the one it inherits: {@link #MALLOC_ARENA_MAX}, unless the operator set
     * {@value #MALLOC_ARENA_MAX_VARIABLE} already ({@code inherited}), which then stays as it is.
     */
    public static Map<String, String> workerEnvironment(Map<String, String> inherited) {
        return inherited.containsKey(MALLOC_ARENA_MAX_VARIABLE) ? Map.of()
                : Map.of(MALLOC_ARENA_MAX_VARIABLE, Integer.toString(MALLOC_ARENA_MAX));
    }

    /** The virtual-thread scheduler's carrier count for a JVM that sees {@code cores} cores. */
    public static String carriersFlag(int cores) {
        return "-Djdk.virtualThreadScheduler.parallelism=" + CARRIERS_PER_CORE * Math.max(1, cores);
    }

    /** Whole MiB, rounded down (as the heap flag is). */
    static String mib(long bytes) {
        return Math.floorDiv(bytes, 1L << 20) + " MiB";
    }
}
