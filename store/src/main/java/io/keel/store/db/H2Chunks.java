package io.keel.store.db;

import org.h2.mvstore.DataUtils;

import java.io.IOException;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the newest complete chunk of an H2 MVStore file by looking at every 4 KiB block start, as H2's recovery mode
 * does, but without opening the store: the file is read in 1 MiB pieces and only the first bytes of each block are
 * looked at, plus the header and footer of each block that starts with {@code chunk:} (about 15-30 ms for 200 MB in
 * the page cache, where H2's own scan makes two small reads per block and rebuilds the store, 0.6-1.5 s).
 *
 * <p>The format, as H2 2.5.252 writes and reads it ({@code Chunk}, {@code FileStore.readChunkHeaderAndFooter}):
 * a chunk starts at a block boundary with a header line {@code chunk:<id>,len:<blocks>,...,version:<v>,...\n}
 * (hex values); its last 128 bytes are a footer {@code chunk:<id>,len:<blocks>,version:<v>,fletcher:<sum>}, padded
 * with spaces, whose Fletcher-32 covers the text before {@code ,fletcher}. A chunk is complete when the footer at
 * {@code block + len} checks out and names the same chunk starting at the same block. This check is not stricter
 * than H2's: every chunk H2's full scan could pick is seen here (H2 also rejects some that pass here, which only
 * makes the newest found here newer, never older).
 *
 * <p>Stateless and thread-safe; blocks while it reads the file. Never writes.
 */
final class H2Chunks {
    static final int BLOCK = 4096;
    /** H2's {@code Chunk.MAX_HEADER_LENGTH}: a header line ends within this many bytes. */
    static final int MAX_HEADER = 1024;
    /** H2's {@code Chunk.FOOTER_LENGTH}: the footer fills the last bytes of a chunk's last block. */
    static final int FOOTER = 128;
    /** The first two blocks hold the file header. */
    private static final long FIRST_CHUNK_BLOCK = 2;
    private static final byte[] MAGIC = "chunk:".getBytes(StandardCharsets.ISO_8859_1);
    private static final String FLETCHER = ",fletcher:";
    /** Blocks read and scanned at once ({@link #chunkStarts}): 1 MiB. */
    private static final int REGION_BLOCKS = 256;

    /** A complete chunk: its id, first block and version. */
    record Chunk(int id, long block, long version) {
    }

    /**
     * The complete chunks of a file, in file order. H2 gives each commit a new version and a new id, so two complete
     * chunks that share a version, or an id with different versions, mean the file holds stale chunks (left by an
     * earlier lossy recovery, a moved chunk's old copy, or an id wrap) and the highest version may not be the commit
     * H2 last wrote: {@link #conflict()} says so, and the caller must not point the header at {@link #newest()}.
     */
    record Scan(List<Chunk> chunks) {
        Scan {
            chunks = List.copyOf(chunks);
        }

        /** The complete chunk with the highest version, or empty if there is none. */
        Optional<Chunk> newest() {
            return chunks.stream().max(Comparator.comparingLong(Chunk::version));
        }

        /** The first two chunks that share a version, or an id with different versions; empty when there are none. */
        Optional<String> conflict() {
            Map<Long, Chunk> byVersion = new HashMap<>();
            Map<Integer, Chunk> byId = new HashMap<>();
            for (Chunk chunk : chunks) {
                Chunk sameVersion = byVersion.putIfAbsent(chunk.version(), chunk);
                if (sameVersion != null) {
                    return Optional.of("chunks " + sameVersion + " and " + chunk + " share a version");
                }
                Chunk sameId = byId.putIfAbsent(chunk.id(), chunk);
                if (sameId != null) {
                    return Optional.of("chunks " + sameId + " and " + chunk + " share an id");
                }
            }
            return Optional.empty();
        }
    }

    private H2Chunks() {
    }

    /** Every complete chunk of {@code file}. */
    static Scan scan(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long blocks = size / BLOCK;
            // Large reads into one buffer rather than a mapping: a mapping would count the whole file in the
            // process's RSS (which the memory guard watches) until the GC unmaps it.
            byte[] region = new byte[REGION_BLOCKS * BLOCK];
            List<Chunk> chunks = new ArrayList<>();
            for (long from = FIRST_CHUNK_BLOCK; from < blocks; from += REGION_BLOCKS) {
                int count = (int) Math.min(REGION_BLOCKS, blocks - from);
                readFully(channel, ByteBuffer.wrap(region, 0, count * BLOCK), from * BLOCK);
                for (int block : chunkStarts(region, count)) {
                    Chunk chunk = completeChunkAt(channel, size, from + block);
                    if (chunk != null) {
                        chunks.add(chunk);
                    }
                }
            }
            return new Scan(chunks);
        }
    }

    /**
     * The blocks among the first {@code count} of {@code region} that start with {@code chunk:}. A method per 1 MiB
     * region, not one loop over the file: the JIT compiles it after a few regions, where one long loop would run
     * interpreted to the end in a freshly started JVM (OSR only after 60,000 iterations).
     */
    private static int[] chunkStarts(byte[] region, int count) {
        int[] found = new int[4];
        int n = 0;
        for (int block = 0; block < count; block++) {
            int at = block * BLOCK;
            if (region[at] == MAGIC[0] && region[at + 1] == MAGIC[1] && region[at + 2] == MAGIC[2]
                    && region[at + 3] == MAGIC[3] && region[at + 4] == MAGIC[4] && region[at + 5] == MAGIC[5]) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = block;
            }
        }
        return Arrays.copyOf(found, n);
    }

    /** The chunk whose header starts {@code block} if its footer matches, else null (not a chunk, or torn). */
    static Chunk completeChunkAt(FileChannel channel, long size, long block) {
        try {
            Map<String, String> header = DataUtils.parseMap(headerLine(read(channel, block * BLOCK,
                    (int) Math.min(MAX_HEADER, size - block * BLOCK))));
            int id = (int) DataUtils.readHexLong(header, "chunk", -1);
            long headerBlock = DataUtils.readHexLong(header, "block", 0);
            int len = (int) DataUtils.readHexLong(header, "len", 0);
            long version = DataUtils.readHexLong(header, "version", id);
            if (id < 0 || (headerBlock != 0 && headerBlock != block)) {
                return null;
            }
            long end = block + len;
            long footerAt = end * BLOCK - FOOTER;
            if (footerAt < 0 || footerAt + FOOTER > size) {
                return null;
            }
            Map<String, String> footer = checksummedMap(read(channel, footerAt, FOOTER));
            if (footer == null) {
                return null;
            }
            int footerId = (int) DataUtils.readHexLong(footer, "chunk", -1);
            long footerBlock = DataUtils.readHexLong(footer, "block", 0);
            if (footerBlock == 0) {
                footerBlock = end - (int) DataUtils.readHexLong(footer, "len", 0);
            }
            return footerId == id && footerBlock == block ? new Chunk(id, block, version) : null;
        } catch (IOException | RuntimeException e) {
            return null; // H2 rejects what it cannot read or parse: MVStoreException, NumberFormatException, EOF
        }
    }

    private static byte[] read(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(channel, buffer, at);
        return buffer.array();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long start = at - buffer.position();
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, start + buffer.position()) < 0) {
                throw new EOFException("end of file at " + (start + buffer.position()));
            }
        }
    }

    /** The header's first line, trimmed, as H2's {@code Chunk.readChunkHeader} reads it. */
    private static String headerLine(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return new String(bytes, 0, i, StandardCharsets.ISO_8859_1).trim();
            }
        }
        throw new IllegalArgumentException("no header line");
    }

    /**
     * H2's {@code DataUtils.parseChecksummedMap} (package-private there): the map before {@code fletcher:}, or null
     * when the checksum does not match.
     */
    static Map<String, String> checksummedMap(byte[] bytes) {
        int start = 0;
        int end = bytes.length;
        while (start < end && bytes[start] <= ' ') {
            start++;
        }
        while (start < end && bytes[end - 1] <= ' ') {
            end--;
        }
        String text = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        int sum = text.indexOf(FLETCHER);
        if (sum < 0) {
            return null;
        }
        int valueEnd = text.indexOf(',', sum + FLETCHER.length());
        long check = Long.parseLong(text.substring(sum + FLETCHER.length(), valueEnd < 0 ? text.length() : valueEnd),
                16);
        if ((int) check != DataUtils.getFletcher32(bytes, start, sum)) {
            return null;
        }
        return DataUtils.parseMap(text.substring(0, sum));
    }
}
