package io.keel.store.db;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick scan reads H2 2.5.252's chunk format as H2 does; its full scan is the reference. */
class H2ChunksTest {
    @TempDir
    Path dir;

    /** A file as a SIGKILL leaves it: several commits written, never closed. */
    private Path killedFile() throws Exception {
        Path live = dir.resolve("live");
        Path copy = dir.resolve("copy.mv.db");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + live.resolve("db")
                + DbSettings.H2_FILE_OPTIONS + ";RETENTION_TIME=0", "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(5000))");
            for (int i = 0; i < 40; i++) {
                s.execute("INSERT INTO t VALUES (" + i + ", '" + "y".repeat(i * 131 % 5000) + "')");
            }
            Files.copy(live.resolve("db.mv.db"), copy);
        }
        return copy;
    }

    private static long fullScanVersion(Path file) throws Exception {
        Path scanned = file.resolveSibling("scanned.mv.db");
        Files.copy(file, scanned);
        MVStore store = new MVStore.Builder().fileName(scanned.toString()).recoveryMode().readOnly().open();
        try {
            return store.getCurrentVersion();
        } finally {
            store.close();
            Files.delete(scanned);
        }
    }

    @Test
    void theNewestChunkOfAKilledFileIsTheOneH2sFullScanRecovers() throws Exception {
        Path file = killedFile();

        H2Chunks.Chunk newest = H2Chunks.scan(file).newest().orElseThrow();

        assertThat(newest.version()).isEqualTo(fullScanVersion(file));
        assertThat(newest.block()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aChunkWhoseFooterWasNeverWrittenIsNotComplete() throws Exception {
        Path file = killedFile();
        H2Chunks.Chunk newest = H2Chunks.scan(file).newest().orElseThrow();
        long len;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] header = new byte[H2Chunks.MAX_HEADER];
            raf.seek(newest.block() * H2Chunks.BLOCK);
            raf.readFully(header);
            String line = new String(header, StandardCharsets.ISO_8859_1);
            String lenField = line.substring(line.indexOf(",len:") + 5);
            len = Long.parseLong(lenField.substring(0, lenField.indexOf(',')), 16);
            raf.seek((newest.block() + len) * H2Chunks.BLOCK - H2Chunks.FOOTER);
            raf.write(new byte[H2Chunks.FOOTER]); // as if the kill came before the chunk's last block was written
        }

        assertThat(H2Chunks.scan(file).newest().orElseThrow().version()).isLessThan(newest.version());
    }

    @Test
    void aFooterWhoseChecksumDoesNotMatchIsRejected() {
        String text = "chunk:1f,len:2,version:1f";
        int sum = org.h2.mvstore.DataUtils.getFletcher32(text.getBytes(StandardCharsets.ISO_8859_1), 0,
                text.length());
        byte[] good = pad(text + ",fletcher:" + Integer.toHexString(sum));
        byte[] bad = pad("chunk:1f,len:3,version:1f,fletcher:" + Integer.toHexString(sum));

        assertThat(H2Chunks.checksummedMap(good)).containsEntry("chunk", "1f").containsEntry("len", "2");
        assertThat(H2Chunks.checksummedMap(bad)).isNull();
        assertThat(H2Chunks.checksummedMap(pad("chunk:1f,len:2"))).isNull();
    }

    private static byte[] pad(String footer) {
        byte[] bytes = new byte[H2Chunks.FOOTER];
        Arrays.fill(bytes, (byte) ' ');
        byte[] text = footer.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[bytes.length - 1] = '\n';
        return bytes;
    }

    @Test
    void chunksAreFoundAnywhereInALargeFileAlsoAcrossThePiecesItIsReadIn() throws Exception {
        Path file = dir.resolve("large.mv.db");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(300L << 20); // sparse; read in 1 MiB pieces from block 2, so one ends after block 65,537
            writeChunk(raf, 3, 7, 2);
            assertThat(H2Chunks.scan(file).newest()).contains(new H2Chunks.Chunk(7, 3, 7));
            writeChunk(raf, 65_537, 8, 2); // header in one piece, footer in the next
            assertThat(H2Chunks.scan(file).newest()).contains(new H2Chunks.Chunk(8, 65_537, 8));
            writeChunk(raf, 70_000, 9, 3);
            assertThat(H2Chunks.scan(file).newest()).contains(new H2Chunks.Chunk(9, 70_000, 9));
        }
    }

    @Test
    void twoChunksThatShareAVersionOrAnIdWithDifferentVersionsAreAConflict() throws Exception {
        Path file = dir.resolve("stale.mv.db");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(64L * H2Chunks.BLOCK);
            writeChunk(raf, 2, 7, 2);
            writeChunk(raf, 4, 8, 2);
            assertThat(H2Chunks.scan(file).conflict()).isEmpty();
            writeChunk(raf, 10, 8, 2); // the same chunk again elsewhere, as a stale copy
            assertThat(H2Chunks.scan(file).conflict()).hasValueSatisfying(c -> assertThat(c).contains("version"));
            writeChunk(raf, 10, 9, 2);
            assertThat(H2Chunks.scan(file).conflict()).isEmpty();
            writeChunk(raf, 20, 7, 2, 0x12); // id 7 again, with another version
            assertThat(H2Chunks.scan(file).conflict()).hasValueSatisfying(c -> assertThat(c).contains("id"));
            assertThat(H2Chunks.scan(file).newest()).contains(new H2Chunks.Chunk(7, 20, 0x12));
        }
    }

    private static void writeChunk(RandomAccessFile raf, long block, int id, int len) throws Exception {
        writeChunk(raf, block, id, len, id);
    }

    /** A chunk as H2 writes it: header line at the block start, checksummed footer in its last 128 bytes. */
    private static void writeChunk(RandomAccessFile raf, long block, int id, int len, long version)
            throws Exception {
        String hex = Integer.toHexString(id);
        raf.seek(block * H2Chunks.BLOCK);
        raf.write(("chunk:" + hex + ",len:" + len + ",pages:0,max:0,map:0,root:0,time:0,version:"
                + Long.toHexString(version) + "\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        String text = "chunk:" + hex + ",len:" + len + ",version:" + hex;
        int sum = org.h2.mvstore.DataUtils.getFletcher32(text.getBytes(StandardCharsets.ISO_8859_1), 0,
                text.length());
        raf.seek((block + len) * H2Chunks.BLOCK - H2Chunks.FOOTER);
        raf.write(pad(text + ",fletcher:" + Integer.toHexString(sum)));
    }

    @Test
    void aFileThatIsNotAnMvStoreHasNoChunk() throws Exception {
        Path file = dir.resolve("other.mv.db");
        byte[] text = new byte[5 * H2Chunks.BLOCK];
        Arrays.fill(text, (byte) 'c');
        Files.write(file, text);
        Files.writeString(dir.resolve("tiny.mv.db"), "chunk:1,len:1\n");

        assertThat(H2Chunks.scan(file).newest()).isEmpty();
        assertThat(H2Chunks.scan(dir.resolve("tiny.mv.db")).newest()).isEmpty();
    }
}
