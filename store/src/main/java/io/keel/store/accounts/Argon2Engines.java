package io.keel.store.accounts;

import io.keel.store.NativePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Chooses an Argon2 engine ({@link Passwords} asks once, at its first hash): the Vector API kernel, else libargon2,
 * else Bouncy Castle. An engine is taken only if it loads and computes what Bouncy Castle does for a probe. Why a
 * faster one was passed over is logged: at INFO when libargon2 runs (a CPU without 512-bit vectors is no fault), at
 * WARN when only Bouncy Castle is left, whose detail on the path gauge says why too, or when the JVM was started
 * without the Vector API's module.
 */
final class Argon2Engines {
    /** The module the vector engine needs; the store's JVM flags resolve it ({@code HeapSizing}). */
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** The probe: 64 KiB and three passes cross every kind of block an engine computes (Argon2i and Argon2d). */
    private static final byte[] PROBE_PASSWORD = {1, 2, 3};
    private static final byte[] PROBE_SALT = new byte[16];
    private static final int PROBE_KIB = 64;
    private static final int PROBE_PASSES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Argon2Engines.class);

    private Argon2Engines() {
    }

    static Argon2Engine preferred() {
        return preferred(Argon2Engines::vector, NativeArgon2::new);
    }

    /** Either supplier may throw {@link LinkageError} or a runtime exception; tests pass such ones. */
    static Argon2Engine preferred(Supplier<Argon2Engine> vectorEngine, Supplier<Argon2Engine> nativeEngine) {
        List<String> passedOver = new ArrayList<>();
        byte[] probe = JavaArgon2.compute(PROBE_PASSWORD, PROBE_SALT, PROBE_KIB, PROBE_PASSES, 1);
        for (Supplier<Argon2Engine> candidate : List.of(vectorEngine, nativeEngine)) {
            Argon2Engine engine = checked(candidate, probe, passedOver);
            if (engine != null) {
                if (!passedOver.isEmpty()) {
                    LOG.info("{}: {} runs; passed over: {}", NativeArgon2.FEATURE, engine.path().detail(), passedOver);
                }
                return engine;
            }
        }
        LOG.warn("{}: no fast path, Bouncy Castle runs; passed over: {}", NativeArgon2.FEATURE, passedOver);
        return new JavaArgon2(NativePath.fallback(NativeArgon2.FEATURE, "no fast path: " + passedOver));
    }

    /** The engine {@code candidate} supplies if it loads and passes the probe; else null, with why in the list. */
    private static Argon2Engine checked(Supplier<Argon2Engine> candidate, byte[] probe, List<String> passedOver) {
        try {
            Argon2Engine engine = candidate.get();
            if (!Arrays.equals(engine.derive(PROBE_PASSWORD, PROBE_SALT, PROBE_KIB, PROBE_PASSES, 1), probe)) {
                passedOver.add(engine.path().detail() + ": wrong probe hash");
                return null;
            }
            return engine;
        } catch (LinkageError | RuntimeException e) {
            passedOver.add(e.toString());
            return null;
        }
    }

    private static Argon2Engine vector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) { // a launch without Keel's flags: say so
            String hint = "module " + VECTOR_MODULE + " not resolved (start the JVM with --add-modules="
                    + VECTOR_MODULE + ")";
            LOG.warn("{}: {}", NativeArgon2.FEATURE, hint);
            throw new UnsupportedOperationException(hint);
        }
        return VectorArgon2.create();
    }
}
