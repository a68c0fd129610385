package io.keel.bench.load;

import java.net.http.HttpRequest;

/**
 * Builds the next request of a class. Called from the dispatcher or worker threads, possibly concurrently, so
 * implementations must be thread-safe; they must not block (the open-loop dispatcher would fall behind schedule).
 */
@FunctionalInterface
public interface RequestFactory {
    HttpRequest next();
}
