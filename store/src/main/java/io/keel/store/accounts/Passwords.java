package io.keel.store.accounts;

import io.keel.runtime.cpu.CpuWork;
import io.keel.store.Lazy;
import io.keel.store.NativePath;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Argon2id password hashing in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), always on
 * the CPU pool under the task type {@code password-hash}: a login is tens of milliseconds of pure CPU and must not
 * hold a request carrier thread. Verification reads the cost parameters from the stored string, so raising the cost
 * later keeps old hashes valid. The Argon2 itself is a Vector API kernel, else native libargon2, else Bouncy Castle
 * ({@link Argon2Engines}); all write and read the same strings ({@link #path()} says which one runs). Thread-safe.
 */
public final class Passwords {
    public static final String TASK = "password-hash";
    private static final int SALT_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final CpuWork pool;
    /**
     * The engine: choosing and warming it costs CPU (the vector kernel's warm-up 0.5-1 s, libargon2 0.1-0.2 s), so it
     * happens on first use.
     */
    private final Lazy<Argon2Engine> argon2;
    private final int memoryKib;
    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    /** Verified against when the email is unknown, so both failures cost the same time. */
    private final String decoy;

    public Passwords(CpuWork pool, int memoryKib, int iterations) {
        this(pool, memoryKib, iterations, Argon2Engines::preferred);
    }

    /** Tests choose the engine, to cover the fallback on a machine where the native library loads. */
    Passwords(CpuWork pool, int memoryKib, int iterations, Supplier<Argon2Engine> engines) {
        this.pool = pool;
        this.argon2 = Lazy.of(engines);
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        // Random bytes in place of a hash: verifying against it costs the same derivation as a real one, and no
        // password matches it, so start-up need not spend a whole Argon2 hash (tens of milliseconds of CPU) on it.
        byte[] salt = new byte[SALT_BYTES];
        byte[] noHash = new byte[Argon2Engine.HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(noHash);
        this.decoy = phc(salt, noHash);
    }

    /**
     * Which Argon2 implementation is active, for the log line and metric. The first call (or the first hash or
     * verification) loads the native library and blocks while it does; later calls return at once.
     */
    public NativePath path() {
        return argon2().path();
    }

    private Argon2Engine argon2() {
        return argon2.get();
    }

    /** Hashes on the CPU pool; blocks the caller until done or refused (503). */
    public String hash(String password) {
        return pool.run(TASK, () -> hashInline(password));
    }

    /** Verifies on the CPU pool; constant-time comparison. */
    public boolean verify(String password, String phc) {
        return pool.run(TASK, () -> verifyInline(password, phc));
    }

    /** Burns the same work as a real verification, for unknown accounts. Always false. */
    public boolean verifyDecoy(String password) {
        verify(password, decoy);
        return false;
    }

    /** Hashes on the calling thread: for seeding and start-up only. */
    public String hashInline(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return phc(salt, derive(password, salt, memoryKib, iterations, 1));
    }

    /** The PHC string of an Argon2id hash with this instance's cost settings. */
    private String phc(byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(hash);
    }

    boolean verifyInline(String password, String phc) {
        String[] parts = phc.split("\\$", -1);
        if (parts.length != 6 || !parts[1].equals("argon2id")) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",", -1)) {
            int value = Integer.parseInt(kv.substring(2));
            switch (kv.charAt(0)) {
                case 'm' -> m = value;
                case 't' -> t = value;
                case 'p' -> p = value;
                default -> {
                    return false;
                }
            }
        }
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = derive(password, B64D.decode(parts[4]), m, t, p);
        return MessageDigest.isEqual(expected, actual);
    }

    private byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        return argon2().derive(password.getBytes(StandardCharsets.UTF_8), salt, memoryKib, iterations, parallelism);
    }
}
