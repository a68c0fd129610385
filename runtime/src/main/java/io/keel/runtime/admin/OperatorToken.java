package io.keel.runtime.admin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.keel.runtime.http.ProblemException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The operator token ({@code KEEL_ADMIN_TOKEN}): a bearer token that opens the admin routes. Without one configured
 * the admin routes are closed to everybody but what an application's own guard lets in. Compared in constant time.
 */
public final class OperatorToken implements AdminGuard {
    private final Optional<byte[]> token;

    public OperatorToken(Optional<String> token) {
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** The bearer token of {@code req}, if it sent one. */
    public static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim())
                .filter(v -> !v.isEmpty());
    }

    /** True when {@code req} carries the configured operator token. */
    public boolean matches(ServerRequest req) {
        return token.isPresent() && bearer(req)
                .map(b -> MessageDigest.isEqual(token.get(), b.getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    @Override
    public void authorize(ServerRequest req) {
        if (matches(req)) {
            return;
        }
        if (token.isEmpty()) {
            throw ProblemException.forbidden("admin routes are closed: no operator token is configured");
        }
        throw bearer(req).isPresent()
                ? ProblemException.forbidden("this token may not use admin routes")
                : ProblemException.unauthorized("admin routes need the operator token");
    }
}
