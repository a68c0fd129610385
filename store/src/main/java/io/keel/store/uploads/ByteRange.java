package io.keel.store.uploads;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one byte range of a {@code Range} request header (RFC 9110 section 14) to serve, resolved against the
 * representation's length. Immutable.
 * <p>
 * Only a single range is served as 206: {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}. A header this
 * server does not serve (another unit, a malformed value, several ranges) is ignored and the full content is sent
 * with 200, which RFC 9110 allows and every client handles; multipart/byteranges answers are not worth their cost.
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
public record ByteRange(long first, long last) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    /** What a {@code Range} header asks of a representation. */
    public sealed interface Request {
    }

    /** Send everything with 200: no header, or one this server ignores. */
    public record Full() implements Request {
    }

    /** Send this part with 206. */
    public record Part(ByteRange range) implements Request {
    }

    /** No byte of the range exists: 416 with {@code Content-Range: bytes *}{@code /size}. */
    public record Unsatisfiable() implements Request {
    }

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("byte range " + first + "-" + last + " is empty or negative");
        }
    }

    public long length() {
        return last - first + 1;
    }

    /** {@code bytes a-b/size}, the value of {@code Content-Range}. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** Resolves {@code header} against a representation of {@code size} bytes. */
    public static Request parse(Optional<String> header, long size) {
        if (header.isEmpty()) {
            return new Full();
        }
        Matcher m = SINGLE.matcher(header.get().strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Full(); // other units, lists of ranges and garbage are ignored, as RFC 9110 allows
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    return new Unsatisfiable();
                }
                return new Part(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < first) {
                return new Full(); // invalid range-spec: the header is ignored
            }
            if (first >= size) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(first, Math.min(last, size - 1)));
        } catch (NumberFormatException e) {
            return new Full(); // beyond a long: not a position in any file we hold
        }
    }
}
