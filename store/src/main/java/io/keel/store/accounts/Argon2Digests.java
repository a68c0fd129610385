package io.keel.store.accounts;

import org.bouncycastle.crypto.digests.Blake2bDigest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Argon2's Blake2b parts (RFC 9106, 3.2 and 3.3) for {@link VectorArgon2}: the seed H0 of a one-lane Argon2id hash and
 * the variable-length hash H'. A few hundred bytes of a hash; Bouncy Castle's Blake2b computes them.
 */
final class Argon2Digests {
    /** Argon2id's type in H0 and in the Argon2i address blocks. */
    static final int TYPE_ID = 2;
    private static final int VERSION = 0x13;
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Argon2Digests() {
    }

    /** H0 with 8 bytes of room after it for the block and lane indexes H' appends to make the first blocks. */
    static byte[] h0(byte[] password, byte[] salt, int memoryKib, int iterations) {
        byte[] h0 = new byte[72];
        Blake2bDigest digest = new Blake2bDigest(512);
        for (int value : new int[] {1, Argon2Engine.HASH_BYTES, memoryKib, iterations, VERSION, TYPE_ID,
                password.length}) {
            update32(digest, value);
        }
        digest.update(password, 0, password.length);
        update32(digest, salt.length);
        digest.update(salt, 0, salt.length);
        update32(digest, 0); // no secret
        update32(digest, 0); // no associated data
        digest.doFinal(h0, 0);
        return h0;
    }

    /** Argon2's variable-length hash H' on Blake2b. */
    static void hPrime(byte[] in, byte[] out, int length) {
        byte[] prefix = new byte[4];
        le32(prefix, 0, length);
        if (length <= 64) {
            Blake2bDigest digest = new Blake2bDigest(length * 8);
            digest.update(prefix, 0, 4);
            digest.update(in, 0, in.length);
            digest.doFinal(out, 0);
            return;
        }
        byte[] v = new byte[64];
        Blake2bDigest digest = new Blake2bDigest(512);
        digest.update(prefix, 0, 4);
        digest.update(in, 0, in.length);
        digest.doFinal(v, 0);
        System.arraycopy(v, 0, out, 0, 32);
        int at = 32;
        while (length - at > 64) {
            digest.update(v, 0, 64); // doFinal reset the digest
            digest.doFinal(v, 0);
            System.arraycopy(v, 0, out, at, 32);
            at += 32;
        }
        Blake2bDigest last = new Blake2bDigest((length - at) * 8);
        last.update(v, 0, 64);
        byte[] tail = new byte[length - at];
        last.doFinal(tail, 0);
        System.arraycopy(tail, 0, out, at, tail.length);
    }

    private static void update32(Blake2bDigest digest, int value) {
        byte[] bytes = new byte[4];
        le32(bytes, 0, value);
        digest.update(bytes, 0, 4);
    }

    static void le32(byte[] bytes, int at, int value) {
        LE_INT.set(bytes, at, value);
    }
}
