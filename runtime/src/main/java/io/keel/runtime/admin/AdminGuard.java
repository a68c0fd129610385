package io.keel.runtime.admin;

import io.helidon.webserver.http.ServerRequest;

/**
 * Decides whether a request may use the admin routes. Throws a 401 or 403
 * {@link io.keel.runtime.http.ProblemException} to refuse; returns normally to allow.
 */
@FunctionalInterface
public interface AdminGuard {
    void authorize(ServerRequest req);
}
