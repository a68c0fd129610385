package io.keel.runtime.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Request ids: a client's own {@code X-Request-Id} is kept when it is sane, else a random 16-hex-digit id. */
public final class RequestIds {
    /** The header name, as sent and echoed. */
    public static final String HEADER = "X-Request-Id";
    /** The SLF4J MDC key under which the id appears in log lines. */
    public static final String MDC_KEY = "requestId";

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    /** The client's id when it is 1-128 characters of {@code [A-Za-z0-9._:-]}, else a fresh one. */
    public static String accept(String fromClient) {
        return fromClient != null && SANE.matcher(fromClient).matches() ? fromClient : generate();
    }

    public static String generate() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
