package io.keel.store.db;

import org.h2.mvstore.DataUtils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rewrites an H2 MVStore file header so that it names a given chunk, as H2's own {@code writeStoreHeader} would have
 * if it had not named the chunk before (the H2 2.5.252 bug {@link H2FileRecovery} describes): H2's quick recovery
 * then starts from that chunk instead of missing it. Only the chunk, block and version fields change, and the clean
 * mark is dropped (H2 still treats the file as not closed cleanly and verifies the chunk); every other field is kept.
 *
 * <p>The header is the first two 4 KiB blocks, both holding {@code key:hex,...,fletcher:<sum>\n}; H2 reads both and
 * trusts the valid one with the higher version, so a write cut between the blocks leaves a usable file. Safe to run
 * before a full scan: H2's recovery mode ignores the header and writes its own on close.
 *
 * <p>Stateless; blocks for two small reads, one 8 KiB write and its fsync. Call only while no process has the file
 * open: it holds an exclusive lock on the file while it reads and writes (as H2 locks the file it opens) and writes
 * nothing when another process holds one.
 */
final class H2HeaderRepair {
    private static final Pattern PLAIN_VALUE = Pattern.compile("[0-9A-Za-z.]*");

    private H2HeaderRepair() {
    }

    /**
     * Points the header of {@code file} at {@code chunk}; false, writing nothing, when another process holds a lock
     * on the file, or the header cannot be read, is not of the {@code format} {@link H2FileRecovery#VERIFIED_FORMAT}
     * or holds a value this would not write back byte for byte.
     *
     * @throws IOException           when the file cannot be read or written
     * @throws NumberFormatException when a header block's checksum is not a number
     */
    static boolean pointAt(Path file, H2Chunks.Chunk chunk) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return false;
            }
            byte[] both = new byte[2 * H2Chunks.BLOCK];
            ByteBuffer blocks = ByteBuffer.wrap(both);
            while (blocks.hasRemaining() && channel.read(blocks, blocks.position()) >= 0) {
                // positional reads until both blocks are in or the file ends
            }
            if (blocks.hasRemaining()) {
                return false;
            }
            Map<String, String> header = newer(H2Chunks.checksummedMap(Arrays.copyOf(both, H2Chunks.BLOCK)),
                    H2Chunks.checksummedMap(Arrays.copyOfRange(both, H2Chunks.BLOCK, both.length)));
            if (header == null || !header.containsKey("H")
                    || !H2FileRecovery.VERIFIED_FORMAT.equals(header.get("format")) || !header.values().stream()
                    .allMatch(value -> PLAIN_VALUE.matcher(value).matches())) {
                return false;
            }
            HashMap<String, Object> fields = new HashMap<>(header);
            fields.remove("clean");
            fields.put("chunk", chunk.id());
            fields.put("block", chunk.block());
            fields.put("version", chunk.version());
            StringBuilder text = DataUtils.appendMap(new StringBuilder(), fields);
            byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            text.append(",fletcher:").append(Integer.toHexString(DataUtils.getFletcher32(bytes, 0, bytes.length)))
                    .append('\n');
            byte[] line = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (line.length > H2Chunks.BLOCK) {
                return false;
            }
            ByteBuffer written = ByteBuffer.allocate(2 * H2Chunks.BLOCK);
            written.put(line).position(H2Chunks.BLOCK);
            written.put(line).rewind();
            while (written.hasRemaining()) {
                channel.write(written, written.position());
            }
            channel.force(false); // the repaired header outlives a crash right after the open that follows
            return true;
        }
    }

    /** The valid header with the higher version, as H2's {@code readStoreHeader} chooses. */
    private static Map<String, String> newer(Map<String, String> first, Map<String, String> second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        return DataUtils.readHexLong(second, "version", 0) > DataUtils.readHexLong(first, "version", 0)
                ? second : first;
    }
}
