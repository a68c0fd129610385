package io.keel.runtime.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectedChecksumTest {
    private static final byte[] HELLO_SHA = sha("hello");
    private static final String HEX = HexFormat.of().formatHex(HELLO_SHA);
    private static final String B64 = Base64.getEncoder().encodeToString(HELLO_SHA);

    @Test
    void digestHeaderWithBase64Sha256IsRead() {
        assertThat(ExpectedChecksum.parse(Optional.of("sha-256=" + B64), Optional.empty()))
                .contains(new ExpectedChecksum(HEX));
    }

    @Test
    void digestAlgorithmNameIsCaseInsensitiveAndOtherAlgorithmsAreIgnored() {
        assertThat(ExpectedChecksum.parse(Optional.of("md5=abc=, SHA-256=" + B64), Optional.empty()))
                .contains(new ExpectedChecksum(HEX));
    }

    @Test
    void digestWithStructuredFieldColonsIsTolerated() {
        assertThat(ExpectedChecksum.parse(Optional.of("sha-256=:" + B64 + ":"), Optional.empty()))
                .contains(new ExpectedChecksum(HEX));
    }

    @Test
    void hexHeaderIsNormalisedToLowerCase() {
        assertThat(ExpectedChecksum.parse(Optional.empty(), Optional.of(" " + HEX.toUpperCase() + " ")))
                .map(ExpectedChecksum::sha256Hex).contains(HEX);
    }

    @Test
    void agreeingHeadersGiveOneChecksum() {
        assertThat(ExpectedChecksum.parse(Optional.of("sha-256=" + B64), Optional.of(HEX)))
                .contains(new ExpectedChecksum(HEX));
    }

    @Test
    void noHeadersOrOnlyUnsupportedAlgorithmsMeanNothingToVerify() {
        assertThat(ExpectedChecksum.parse(Optional.empty(), Optional.empty())).isEmpty();
        assertThat(ExpectedChecksum.parse(Optional.of("md5=HUXZLQLMuI/KZ5KDcJPcOA=="), Optional.empty())).isEmpty();
    }

    @Test
    void disagreeingHeadersAreRejected() {
        String other = HexFormat.of().formatHex(sha("other"));
        assertThatThrownBy(() -> ExpectedChecksum.parse(Optional.of("sha-256=" + B64), Optional.of(other)))
                .isInstanceOf(MalformedChecksumException.class).hasMessageContaining("different");
    }

    @Test
    void malformedValuesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> ExpectedChecksum.parse(Optional.of("sha-256=***"), Optional.empty()))
                .isInstanceOf(MalformedChecksumException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> ExpectedChecksum.parse(Optional.of("sha-256=aGVsbG8="), Optional.empty()))
                .isInstanceOf(MalformedChecksumException.class).hasMessageContaining("5 bytes");
        assertThatThrownBy(() -> ExpectedChecksum.parse(Optional.of("sha-256"), Optional.empty()))
                .isInstanceOf(MalformedChecksumException.class);
        assertThatThrownBy(() -> ExpectedChecksum.parse(Optional.empty(), Optional.of("abc")))
                .isInstanceOf(MalformedChecksumException.class).hasMessageContaining("64 hex");
        assertThatThrownBy(() -> ExpectedChecksum.parse(Optional.empty(), Optional.of("z".repeat(64))))
                .isInstanceOf(MalformedChecksumException.class).hasMessageContaining("not hex");
    }

    static byte[] sha(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
