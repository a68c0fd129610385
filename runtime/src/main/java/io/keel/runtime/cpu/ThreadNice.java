package io.keel.runtime.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The Linux nice value of the calling thread, through libc's {@code setpriority}/{@code getpriority} with the thread's
 * own id (on Linux, {@code PRIO_PROCESS} with a thread id addresses that one thread). Raising one's own nice value needs
 * no privilege. The CPU pool uses it so that heavy work yields the cores to the threads that serve light requests:
 * at nice 19 a thread weighs 15 against 1,024 at nice 0 in the kernel's fair scheduler, so a light request waits for
 * a heavy one by at most a sliver of a time slice, while the heavy work still gets every cycle nobody else wants.
 *
 * <p>Java's own lever, thread priority, reaches only nice 4 (with {@code -XX:ThreadPriorityPolicy=1}) and nothing
 * without that flag. Where libc or the call is unavailable (not Linux, native access denied), {@link #available()} is
 * false and callers keep Java's priority. Thread-safe: the handles are immutable.
 */
public final class ThreadNice {
    private static final int PRIO_PROCESS = 0;
    private static final Loaded LOADED = load();

    private record Loaded(Optional<ThreadNice> binding, String reason) {
    }

    private final MethodHandle gettid;
    private final MethodHandle setpriority;
    private final MethodHandle getpriority;

    private ThreadNice(MethodHandle gettid, MethodHandle setpriority, MethodHandle getpriority) {
        this.gettid = gettid;
        this.setpriority = setpriority;
        this.getpriority = getpriority;
    }

    /** The libc binding, or empty when it cannot be made here (the reason is in {@link #unavailableReason()}). */
    public static Optional<ThreadNice> available() {
        return LOADED.binding();
    }

    /** Why {@link #available()} is empty; blank when it is not. */
    public static String unavailableReason() {
        return LOADED.reason();
    }

    @SuppressWarnings("restricted") // three libc calls with int arguments and results: no memory is touched
    private static Loaded load() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return new Loaded(Optional.empty(), "not Linux");
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MethodHandle gettid = linker.downcallHandle(libc.find("gettid").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle set = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT));
            MethodHandle get = linker.downcallHandle(libc.find("getpriority").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return new Loaded(Optional.of(new ThreadNice(gettid, set, get)), "");
        } catch (RuntimeException | LinkageError e) {
            // no libc symbol, or native access refused (--enable-native-access / --illegal-native-access=deny)
            return new Loaded(Optional.empty(), e.toString());
        }
    }

    /**
     * Sets the calling thread's nice value and reads it back.
     *
     * @return the nice value the thread now runs at
     * @throws IllegalStateException when the kernel refused (the value is then unchanged)
     */
    public int setForCurrentThread(int nice) {
        try {
            int tid = (int) gettid.invokeExact();
            int rc = (int) setpriority.invokeExact(PRIO_PROCESS, tid, nice);
            if (rc != 0) {
                throw new IllegalStateException("setpriority(" + nice + ") failed for thread " + tid);
            }
            return currentThread();
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("setpriority(" + nice + ") could not be called", e);
        }
    }

    /** The calling thread's nice value (getpriority returns it as is on Linux's libc wrapper: -20..19). */
    public int currentThread() {
        try {
            int tid = (int) gettid.invokeExact();
            return (int) getpriority.invokeExact(PRIO_PROCESS, tid);
        } catch (Throwable e) {
            throw new IllegalStateException("getpriority could not be called", e);
        }
    }
}
