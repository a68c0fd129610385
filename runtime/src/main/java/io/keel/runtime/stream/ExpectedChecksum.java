package io.keel.runtime.stream;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The SHA-256 a client declared for a request body, normalised to lower-case hex.
 * <p>
 * Two header forms are accepted: {@code Digest: sha-256=<base64>} (RFC 3230; other algorithms in the same header are
 * ignored, the RFC 9530 {@code :base64:} wrapping is tolerated) and {@code X-Checksum-SHA256: <hex>}. Immutable.
 *
 * @param sha256Hex 64 lower-case hex characters
 */
public record ExpectedChecksum(String sha256Hex) {
    private static final int SHA256_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    public ExpectedChecksum {
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        sha256Hex = normalizeHex(sha256Hex, "sha256Hex");
    }

    /**
     * Reads the declared checksum from the two optional header values.
     *
     * @param digestHeader    value of {@code Digest}, if the request had one
     * @param xChecksumHeader value of {@code X-Checksum-SHA256}, if the request had one
     * @return the declared SHA-256, or empty when neither header names one
     * @throws MalformedChecksumException when a value is not valid base64/hex of 32 bytes, or the two headers disagree
     */
    public static Optional<ExpectedChecksum> parse(Optional<String> digestHeader, Optional<String> xChecksumHeader) {
        Optional<ExpectedChecksum> fromDigest = digestHeader.flatMap(ExpectedChecksum::fromDigest);
        Optional<ExpectedChecksum> fromHex =
                xChecksumHeader.map(v -> new ExpectedChecksum(normalizeHex(v.strip(), "X-Checksum-SHA256")));
        if (fromDigest.isPresent() && fromHex.isPresent() && !fromDigest.equals(fromHex)) {
            throw new MalformedChecksumException("Digest (" + fromDigest.get().sha256Hex + ") and X-Checksum-SHA256 ("
                    + fromHex.get().sha256Hex + ") declare different checksums");
        }
        return fromDigest.or(() -> fromHex);
    }

    private static Optional<ExpectedChecksum> fromDigest(String header) {
        Optional<ExpectedChecksum> found = Optional.empty();
        for (String part : header.split(",", -1)) {
            if (part.isBlank()) { // a trailing comma adds no entry
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new MalformedChecksumException("Digest entry '" + part.strip() + "' is not algorithm=value");
            }
            String algorithm = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!algorithm.equals("sha-256")) {
                continue; // other algorithms are allowed in the header; we only verify SHA-256
            }
            String value = part.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith(":") && value.endsWith(":")) {
                value = value.substring(1, value.length() - 1);
            }
            ExpectedChecksum parsed = fromBase64(value);
            if (found.isPresent() && !found.get().equals(parsed)) {
                throw new MalformedChecksumException("Digest names two different sha-256 values");
            }
            found = Optional.of(parsed);
        }
        return found;
    }

    private static ExpectedChecksum fromBase64(String value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedChecksumException("Digest sha-256 value '" + value + "' is not base64");
        }
        if (bytes.length != SHA256_BYTES) {
            throw new MalformedChecksumException("Digest sha-256 value decodes to " + bytes.length
                    + " bytes, expected " + SHA256_BYTES);
        }
        return new ExpectedChecksum(HEX.formatHex(bytes));
    }

    private static String normalizeHex(String value, String source) {
        if (value.length() != SHA256_BYTES * 2) {
            throw new MalformedChecksumException(source + " must be " + SHA256_BYTES * 2 + " hex characters, was "
                    + value.length());
        }
        try {
            return HEX.formatHex(HEX.parseHex(value));
        } catch (IllegalArgumentException e) {
            throw new MalformedChecksumException(source + " value '" + value + "' is not hex");
        }
    }
}
