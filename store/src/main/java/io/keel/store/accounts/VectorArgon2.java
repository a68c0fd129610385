package io.keel.store.accounts;

import io.keel.store.NativePath;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Argon2id (version 0x13, one lane) with its block function on 512-bit vectors of the JDK's Vector API: about half
 * the CPU of the reference C build argon2-jvm bundles (docs/benchmarks.md, session 20). H0 and H' (which also makes
 * the final tag) are in {@link Argon2Digests}.
 *
 * <p>The 16 words a BlaMka round mixes are kept as four vectors of eight lanes, two rounds' worth at a time: a block's
 * 128 words are stored in tiles of 2x2 register pairs, so that two rows (the row step) or two columns (the column
 * step) of the 8x8 matrix of pairs each load as four contiguous vectors, and the diagonal step is one lane
 * permutation per vector. The layout is internal: blocks are converted from and to the standard order only where
 * their bytes enter (the first two blocks) and leave (the last block).
 *
 * <p>Each hash needs {@code memoryKib} KiB of block memory, on the heap as Bouncy Castle's fallback takes it, so the
 * heap limit and its metrics account for it. A free list keeps the memory of up to one hash per core (the CPU pool
 * runs that many at once by default): a worker allocates and touches its 19 MiB once, not once per login. Hashes
 * beyond that, with a larger pool, allocate their own. Shapes the kernel does not take (more than one lane, no pass,
 * more memory than one array holds) go to Bouncy Castle. Thread-safe.
 */
final class VectorArgon2 implements Argon2Engine {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_512;
    private static final int WORDS = 128;
    private static final int BLOCK_BYTES = WORDS * Long.BYTES;
    private static final int SYNC_POINTS = 4;
    private static final int ADDRESSES_PER_BLOCK = 128;
    private static final long LOW = 0xFFFFFFFFL;
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** The most block memory one {@code long[]} holds. */
    private static final int MAX_KIB = Integer.MAX_VALUE / WORDS;
    /** Ten hashes of 512 KiB, 10,240 blocks: the first real hash after them took 35 ms, after none 335 ms. */
    private static final int WARM_HASHES = 10;
    private static final int WARM_KIB = 512;
    /** {@code TILE[w]}: where word {@code w} of a block in the standard order lives in the tiled layout. */
    private static final int[] TILE = new int[WORDS];
    private static final VectorShuffle<Long> ROW_B = rowShuffle(1);
    private static final VectorShuffle<Long> ROW_C = rowShuffle(2);
    private static final VectorShuffle<Long> ROW_D = rowShuffle(3);
    private static final VectorShuffle<Long> COLUMN_B = columnShuffle(1);
    private static final VectorShuffle<Long> COLUMN_C = columnShuffle(2);
    private static final VectorShuffle<Long> COLUMN_D = columnShuffle(3);

    static {
        for (int w = 0; w < WORDS; w++) {
            int row = w / 16;
            int pair = (w % 16) / 2;
            int tile = (row / 2) * 4 + pair / 2;
            TILE[w] = tile * 8 + ((row % 2) * 2 + pair % 2) * 2 + w % 2;
        }
    }

    /** Block memory of hashes that finished, for the next ones (as many as the CPU pool runs at once by default). */
    private final BlockingQueue<long[]> free = new ArrayBlockingQueue<>(Runtime.getRuntime().availableProcessors());

    private VectorArgon2() {
    }

    /**
     * The engine, or {@link UnsupportedOperationException} where the CPU has no 512-bit vectors and the Vector API
     * would emulate them lane by lane. Callers check first that the module is resolved ({@link Argon2Engines}): this
     * class cannot even initialise without it.
     */
    static Argon2Engine create() {
        int bits = LongVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < S.vectorBitSize()) {
            throw new UnsupportedOperationException("this CPU's vectors are " + bits + " bits, the kernel needs "
                    + S.vectorBitSize());
        }
        VectorArgon2 engine = unchecked();
        engine.warm();
        return engine;
    }

    /** The kernel without the CPU check and the warm-up: tests run it on any CPU (below 512 bits, lane by lane). */
    static VectorArgon2 unchecked() {
        return new VectorArgon2();
    }

    /**
     * Runs the kernel until the JIT has compiled it: until then a block takes about a hundred times as long (the
     * Vector API's operations are objects in the interpreter), and the first logins would pay for it.
     */
    private void warm() {
        byte[] salt = new byte[16];
        for (int i = 0; i < WARM_HASHES; i++) {
            derive(salt, salt, WARM_KIB, 2, 1); // two passes: the second XORs into old blocks
        }
        free.clear(); // too small for a real hash
    }

    @Override
    public NativePath path() {
        return NativePath.vector(NativeArgon2.FEATURE, "Java Vector API, " + S.vectorBitSize() + "-bit lanes");
    }

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism) {
        if (parallelism != 1 || iterations < 1 || memoryKib > MAX_KIB) { // Keel writes one lane and stays in range;
            // a hash from elsewhere still verifies, and Bouncy Castle rejects a shape no engine can compute
            return JavaArgon2.compute(password, salt, memoryKib, iterations, parallelism);
        }
        int blocks = Math.max(memoryKib, 2 * SYNC_POINTS);
        blocks -= blocks % SYNC_POINTS;
        long[] memory = take(blocks * WORDS);
        try {
            return derive(memory, password, salt, memoryKib, iterations, blocks);
        } finally {
            free.offer(memory); // dropped for the garbage collector when the list is full
        }
    }

    /** Memory of at least {@code words}; every word a hash reads it has written first (pass 0 fills it in order). */
    private long[] take(int words) {
        long[] memory = free.poll();
        return memory != null && memory.length >= words ? memory : new long[words];
    }

    private static byte[] derive(long[] memory, byte[] password, byte[] salt, int memoryKib, int iterations,
                                 int blocks) {
        int segment = blocks / SYNC_POINTS;
        byte[] h0 = Argon2Digests.h0(password, salt, memoryKib, iterations);
        byte[] block = new byte[BLOCK_BYTES];
        for (int i = 0; i < 2; i++) {
            Argon2Digests.le32(h0, 64, i); // the block's index in the lane; h0[68..71] = lane 0
            Argon2Digests.hPrime(h0, block, BLOCK_BYTES);
            write(block, memory, i * WORDS);
        }
        long[] r = new long[WORDS];
        long[] q = new long[WORDS];
        long[] input = new long[WORDS];
        long[] address = new long[WORDS];
        for (int pass = 0; pass < iterations; pass++) {
            for (int slice = 0; slice < SYNC_POINTS; slice++) {
                boolean independent = pass == 0 && slice < SYNC_POINTS / 2; // Argon2id: Argon2i for half a pass
                if (independent) {
                    Arrays.fill(input, 0);
                    long[] header = {pass, 0, slice, blocks, iterations, Argon2Digests.TYPE_ID};
                    for (int w = 0; w < header.length; w++) {
                        input[TILE[w]] = header[w];
                    }
                }
                int first = pass == 0 && slice == 0 ? 2 : 0;
                if (independent && first == 2) {
                    nextAddresses(input, address, q);
                }
                int current = slice * segment + first;
                int previous = current == 0 ? blocks - 1 : current - 1;
                for (int i = first; i < segment; i++, current++, previous = current - 1) {
                    long random;
                    if (independent) {
                        if (i % ADDRESSES_PER_BLOCK == 0) {
                            nextAddresses(input, address, q);
                        }
                        random = address[TILE[i % ADDRESSES_PER_BLOCK]];
                    } else {
                        random = memory[previous * WORDS]; // word 0 stays word 0 in the tiled layout
                    }
                    long area = pass == 0 ? (long) slice * segment + i - 1 : blocks - segment + i - 1;
                    long x = random & LOW;
                    x = (x * x) >>> 32;
                    long relative = area - 1 - ((area * x) >>> 32);
                    long start = pass == 0 || slice == SYNC_POINTS - 1 ? 0 : (long) (slice + 1) * segment;
                    int reference = (int) ((start + relative) % blocks);
                    compress(memory, previous * WORDS, reference * WORDS, current * WORDS, pass > 0, r, q);
                }
            }
        }
        read(memory, (blocks - 1) * WORDS, block);
        byte[] tag = new byte[HASH_BYTES];
        Argon2Digests.hPrime(block, tag, HASH_BYTES);
        return tag;
    }

    /**
     * Argon2's compression G into the block at {@code next}: {@code r = memory[x] ^ memory[y]}, the permutation of
     * {@code r} in {@code q}, then {@code q ^ r} written (XORed into what was there, from the second pass on, as
     * version 0x13 does). A method of its own, called once per block, so the JIT compiles it early and whole.
     */
    private static void compress(long[] memory, int x, int y, int next, boolean xorInto, long[] r, long[] q) {
        for (int w = 0; w < WORDS; w += S.length()) {
            LongVector v = LongVector.fromArray(S, memory, x + w)
                    .lanewise(VectorOperators.XOR, LongVector.fromArray(S, memory, y + w));
            v.intoArray(r, w);
            v.intoArray(q, w);
        }
        permute(q);
        for (int w = 0; w < WORDS; w += S.length()) {
            int at = next + w;
            LongVector v = LongVector.fromArray(S, q, w).lanewise(VectorOperators.XOR, LongVector.fromArray(S, r, w));
            if (xorInto) {
                v = v.lanewise(VectorOperators.XOR, LongVector.fromArray(S, memory, at));
            }
            v.intoArray(memory, at);
        }
    }

    /** The next block of reference indexes for Argon2i's half pass: G(0, G(0, input)) with the counter advanced. */
    private static void nextAddresses(long[] input, long[] address, long[] q) {
        input[TILE[6]]++;
        System.arraycopy(input, 0, q, 0, WORDS);
        permute(q);
        for (int w = 0; w < WORDS; w++) {
            address[w] = q[w] ^ input[w];
        }
        System.arraycopy(address, 0, q, 0, WORDS);
        permute(q);
        for (int w = 0; w < WORDS; w++) {
            address[w] ^= q[w];
        }
    }

    /** Argon2's permutation P: the BlaMka round on the eight rows, then on the eight columns, of a block. */
    private static void permute(long[] q) {
        for (int rows = 0; rows < 4; rows++) {
            roundOnRows(q, rows * 32);
        }
        for (int columns = 0; columns < 4; columns++) {
            roundOnColumns(q, columns * 8);
        }
    }

    // The two rounds differ only in where their vectors lie and in the diagonal step's lane permutations. They are
    // written out, not shared through a helper: a helper taking or returning vectors is not always inlined by C2,
    // and a vector that crosses a call is boxed on the heap (a tenth of the speed, measured).

    /** Rows {@code 2k} and {@code 2k+1}: tiles {@code (k, 0..3)}, contiguous from {@code at}. */
    private static void roundOnRows(long[] q, int at) {
        LongVector a = LongVector.fromArray(S, q, at);
        LongVector b = LongVector.fromArray(S, q, at + 8);
        LongVector c = LongVector.fromArray(S, q, at + 16);
        LongVector d = LongVector.fromArray(S, q, at + 24);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 32);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 24);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 16);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 63);
        b = b.rearrange(ROW_B);
        c = c.rearrange(ROW_C);
        d = d.rearrange(ROW_D);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 32);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 24);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 16);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 63);
        b.rearrange(ROW_D).intoArray(q, at + 8); // rotating by 1 then by 3 lanes restores the order
        c.rearrange(ROW_C).intoArray(q, at + 16);
        d.rearrange(ROW_B).intoArray(q, at + 24);
        a.intoArray(q, at);
    }

    /** Columns {@code 2k} and {@code 2k+1}: tiles {@code (0..3, k)}, 32 words apart from {@code at}. */
    private static void roundOnColumns(long[] q, int at) {
        LongVector a = LongVector.fromArray(S, q, at);
        LongVector b = LongVector.fromArray(S, q, at + 32);
        LongVector c = LongVector.fromArray(S, q, at + 64);
        LongVector d = LongVector.fromArray(S, q, at + 96);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 32);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 24);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 16);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 63);
        b = b.rearrange(COLUMN_B);
        c = c.rearrange(COLUMN_C);
        d = d.rearrange(COLUMN_D);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 32);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 24);
        a = a.add(b).add(a.and(LOW).mul(b.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        d = d.lanewise(VectorOperators.XOR, a).lanewise(VectorOperators.ROR, 16);
        c = c.add(d).add(c.and(LOW).mul(d.and(LOW)).lanewise(VectorOperators.LSHL, 1));
        b = b.lanewise(VectorOperators.XOR, c).lanewise(VectorOperators.ROR, 63);
        b.rearrange(COLUMN_D).intoArray(q, at + 32);
        c.rearrange(COLUMN_C).intoArray(q, at + 64);
        d.rearrange(COLUMN_B).intoArray(q, at + 96);
        a.intoArray(q, at);
    }

    /**
     * The diagonal step's lane permutation for the row step: each half of the vector is one row's four words
     * {@code v0..v3} (or {@code v4..v7} and so on), rotated left by {@code by} lanes.
     */
    private static VectorShuffle<Long> rowShuffle(int by) {
        int[] lanes = new int[S.length()];
        for (int lane = 0; lane < lanes.length; lane++) {
            lanes[lane] = (lane / 4) * 4 + (lane % 4 + by) % 4;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    /**
     * The same for the column step, where lane {@code l} holds word {@code 2(l/4) + l%2} of column {@code (l/2)%2}
     * of the pair: the rotation moves each lane to the next word of its own column.
     */
    private static VectorShuffle<Long> columnShuffle(int by) {
        int[] lanes = new int[S.length()];
        for (int lane = 0; lane < lanes.length; lane++) {
            int column = (lane / 2) % 2;
            int word = (2 * (lane / 4) + lane % 2 + by) % 4;
            lanes[lane] = (word / 2) * 4 + column * 2 + word % 2;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    /** A block's 1,024 little-endian bytes into the tiled layout at {@code offset}. */
    private static void write(byte[] bytes, long[] memory, int offset) {
        for (int w = 0; w < WORDS; w++) {
            memory[offset + TILE[w]] = (long) LE_LONG.get(bytes, w * Long.BYTES);
        }
    }

    /** The tiled block at {@code offset} as 1,024 little-endian bytes. */
    private static void read(long[] memory, int offset, byte[] bytes) {
        for (int w = 0; w < WORDS; w++) {
            LE_LONG.set(bytes, w * Long.BYTES, memory[offset + TILE[w]]);
        }
    }

}
