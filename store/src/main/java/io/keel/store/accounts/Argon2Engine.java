package io.keel.store.accounts;

import io.keel.store.NativePath;

import java.util.function.Supplier;

/**
 * Raw Argon2id (version 0x13, 32-byte output): the part of {@link Passwords} that has a native and a pure-Java
 * implementation. Both produce the same bytes for the same input, so a hash written by one verifies on the other.
 * Implementations are stateless and thread-safe; a call is pure CPU and allocates {@code memoryKib} KiB.
 */
interface Argon2Engine {
    int HASH_BYTES = 32;

    byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism);

    NativePath path();

    /** The native engine when libargon2 loads and answers a probe, else Bouncy Castle. */
    static Argon2Engine preferred() {
        return preferred(NativeArgon2::new);
    }

    /** {@code nativeEngine} may throw {@link LinkageError}; tests pass one that does to reach the fallback. */
    static Argon2Engine preferred(Supplier<Argon2Engine> nativeEngine) {
        try {
            Argon2Engine engine = nativeEngine.get();
            engine.derive(new byte[] {1}, new byte[16], 8, 1, 1); // loads the library now, not on the first login
            return engine;
        } catch (LinkageError | RuntimeException e) {
            return new JavaArgon2(NativePath.fallback(NativeArgon2.FEATURE, e));
        }
    }
}
