package io.keel.bench.load;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;

/** Why a request did not succeed, as counted per request class. */
public enum ErrorKind {
    /** 4xx answer. The exact status is counted separately, so 404 (route missing) stays visible. */
    STATUS_4XX("status-4xx"),
    /** 5xx answer, 503 refusals included (also counted by exact status). */
    STATUS_5XX("status-5xx"),
    /** No answer within the request timeout. */
    TIMEOUT("timeout"),
    /** The connection could not be opened. */
    CONNECT("connect-error"),
    /** Any other I/O failure (reset, closed mid-response). */
    IO("io-error"),
    /** Not sent: the client's in-flight bound was reached. The server is too slow for the offered rate. */
    CLIENT_OVERFLOW("client-overflow");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The error kind of an HTTP status, or none for 1xx..3xx. */
    public static Optional<ErrorKind> ofStatus(int status) {
        if (status >= 500) {
            return Optional.of(STATUS_5XX);
        }
        if (status >= 400) {
            return Optional.of(STATUS_4XX);
        }
        return Optional.empty();
    }

    /** Classifies an exception thrown by {@link Http1Client#send} or the JDK's {@code HttpClient.send}. */
    public static ErrorKind ofException(Throwable t) {
        if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException
                || t.getCause() instanceof ConnectException) {
            return CONNECT;
        }
        if (t instanceof HttpTimeoutException) {
            return TIMEOUT;
        }
        return IO;
    }
}
