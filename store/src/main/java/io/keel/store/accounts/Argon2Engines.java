package io.keel.store.accounts;

import io.keel.store.NativePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Chooses the Argon2 engine once, at the first use: the Vector API kernel, else libargon2, else Bouncy Castle. An
 * engine is taken only if it loads and computes what Bouncy Castle does for a probe; why a faster one was passed
 * over is logged, and with the Bouncy Castle fallback it is also the path's detail.
 */
final class Argon2Engines {
    /** The module the vector engine needs; the store's JVM flags resolve it ({@code HeapSizing}). */
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(Argon2Engines.class);

    private Argon2Engines() {
    }

    static Argon2Engine preferred() {
        return preferred(Argon2Engines::vector, NativeArgon2::new);
    }

    /** Either supplier may throw {@link LinkageError} or a runtime exception; tests pass such ones. */
    static Argon2Engine preferred(Supplier<Argon2Engine> vectorEngine, Supplier<Argon2Engine> nativeEngine) {
        List<String> passedOver = new ArrayList<>();
        for (Supplier<Argon2Engine> candidate : List.of(vectorEngine, nativeEngine)) {
            Argon2Engine engine = checked(candidate, passedOver);
            if (engine != null) {
                if (!passedOver.isEmpty()) {
                    LOG.warn("{}: faster path unavailable ({})", NativeArgon2.FEATURE, passedOver);
                }
                return engine;
            }
        }
        return new JavaArgon2(NativePath.fallback(NativeArgon2.FEATURE, "no fast path: " + passedOver));
    }

    /** The engine {@code candidate} supplies if it loads and passes the probe; else null, with why in the list. */
    private static Argon2Engine checked(Supplier<Argon2Engine> candidate, List<String> passedOver) {
        try {
            Argon2Engine engine = candidate.get();
            byte[] password = {1, 2, 3};
            byte[] salt = new byte[16];
            byte[] expected = JavaArgon2.derive(password, salt, 64, 3, 1, Argon2Engine.HASH_BYTES);
            if (!Arrays.equals(engine.derive(password, salt, 64, 3, 1), expected)) {
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
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            throw new UnsupportedOperationException("module " + VECTOR_MODULE + " not resolved (start the JVM with "
                    + "--add-modules=" + VECTOR_MODULE + ")");
        }
        return VectorArgon2.create();
    }
}
