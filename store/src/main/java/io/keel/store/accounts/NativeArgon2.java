package io.keel.store.accounts;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import io.keel.store.NativePath;

/**
 * Argon2id in libargon2 (the reference C implementation, bundled for common platforms by argon2-jvm and loaded
 * through JNA). About half the CPU of the pure-Java path per hash. Stateless and thread-safe; the library loads on
 * the first call and throws {@link LinkageError} there when it cannot.
 */
final class NativeArgon2 implements Argon2Engine {
    static final String FEATURE = "argon2";

    private final Argon2Advanced argon2 =
            Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, 16, HASH_BYTES);

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        return argon2.rawHash(iterations, memoryKib, parallelism, password, salt);
    }

    @Override
    public NativePath path() {
        return NativePath.loaded(FEATURE, "libargon2 via argon2-jvm");
    }
}
