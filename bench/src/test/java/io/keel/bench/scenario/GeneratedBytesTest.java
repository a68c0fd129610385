package io.keel.bench.scenario;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratedBytesTest {
    @Test
    void streamsExactlyTheSizeAndItsPrecomputedSha256MatchesWhatIsRead() throws IOException {
        long size = (3L << 20) + 12_345;
        MessageDigest md = GeneratedBytes.digest();
        long n = 0;
        try (GeneratedBytes in = new GeneratedBytes(size)) {
            byte[] buf = new byte[7_000];
            int r;
            while ((r = in.read(buf, 0, buf.length)) >= 0) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        assertThat(n).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(GeneratedBytes.sha256(size));
    }

    @Test
    void consecutiveMebibytesDifferSoTheBodyIsNotOneBlockRepeated() throws IOException {
        try (GeneratedBytes in = new GeneratedBytes(2L << 20)) {
            byte[] all = in.readAllBytes();
            assertThat(Arrays.equals(all, 0, 1 << 20, all, 1 << 20, 2 << 20)).isFalse();
        }
    }
}
