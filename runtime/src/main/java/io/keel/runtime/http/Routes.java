package io.keel.runtime.http;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The application's routes. A thin layer over Helidon's routing that remembers each (method, path template) so that
 * an unmatched request gets a 405 with {@code Allow} when its path exists under other methods, and a 404 otherwise.
 * Path templates use Helidon's syntax ({@code /api/orders/{id}}); the template, not the raw path, labels metrics.
 *
 * <p>Not thread-safe: configure before the server starts.
 */
public final class Routes {
    /** How a route is admitted under load; see {@link Admission}. */
    public enum Kind {
        /** Cheap, latency-sensitive: the adaptive concurrency limit, full share. The default. */
        LIGHT,
        /** CPU- or allocation-heavy (it uses the CPU pool): at most part of the limit; refused under memory pressure. */
        HEAVY,
        /** Long-lived streams (exports, uploads, events): a fixed number of stream slots. */
        STREAM,
        /** Health and metrics: never refused. */
        CRITICAL
    }

    private record Route(Method method, String template, PathMatcher matcher) {
    }

    /** The methods of RFC 9110 and RFC 5789 (PATCH); any other token is a method this server does not implement. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
            "OPTIONS", "TRACE", "PATCH");

    private final HttpRouting.Builder routing;
    private final Admission admission;
    private final List<Route> routes = new ArrayList<>();

    Routes(HttpRouting.Builder routing, Admission admission) {
        this.routing = routing;
        this.admission = admission;
    }

    public Routes get(String template, Handler handler) {
        return route(Method.GET, template, Kind.LIGHT, handler);
    }

    public Routes post(String template, Handler handler) {
        return route(Method.POST, template, Kind.LIGHT, handler);
    }

    public Routes put(String template, Handler handler) {
        return route(Method.PUT, template, Kind.LIGHT, handler);
    }

    public Routes delete(String template, Handler handler) {
        return route(Method.DELETE, template, Kind.LIGHT, handler);
    }

    public Routes route(Method method, String template, Kind kind, Handler handler) {
        routes.add(new Route(method, template, PathMatchers.create(template)));
        routing.route(method, template, admission.wrap(kind, handler));
        return this;
    }

    /** Every registered route as {@code "METHOD /template"}, in registration order: for documentation checks. */
    public List<String> registered() {
        return routes.stream().map(r -> r.method().text() + " " + r.template()).toList();
    }

    /** Methods registered for paths matching {@code req}'s path, sorted; empty when the path is unknown. */
    Set<String> allowedMethods(ServerRequest req) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            if (route.matcher().match(req.path()).accepted()) {
                allowed.add(route.method().text());
            }
        }
        return allowed;
    }

    /** Registers the 404/405 fallback; must come after every application route. */
    void finish() {
        routing.any((req, res) -> {
            String method = req.prologue().method().text();
            if (!KNOWN_METHODS.contains(method)) {
                // RFC 9110 15.6.2: a method the server does not recognise at all is 501, not 405
                throw new ProblemException(501, "Not Implemented", "this server does not implement the method "
                        + (method.length() > 32 ? method.substring(0, 32) + "..." : method));
            }
            Set<String> allowed = allowedMethods(req);
            if (allowed.isEmpty()) {
                throw ProblemException.notFound("no resource at " + req.path().path());
            }
            res.header("Allow", String.join(", ", allowed));
            throw new ProblemException(405, "Method Not Allowed",
                    req.prologue().method().text() + " is not allowed here; allowed: " + String.join(", ", allowed));
        });
    }
}
