package io.keel.runtime.health;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.keel.runtime.http.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Liveness and readiness. Live means the process can answer at all. Ready means it should get traffic: every
 * registered check is up and the server is not draining. A failing check, or an exception from one, makes the
 * readiness answer 503 with each check's status and detail as JSON.
 *
 * <p>Thread-safe; checks are registered before start.
 */
public final class Health {
    private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Json json;

    public Health(Json json) {
        this.json = json;
    }

    public void add(String name, HealthCheck check) {
        checks.put(name, check);
    }

    /** From now on readiness is false: the load balancer should stop sending traffic. */
    public void drain() {
        draining.set(true);
    }

    public boolean isDraining() {
        return draining.get();
    }

    public void live(ServerRequest req, ServerResponse res) {
        json.write(res, Status.OK_200, Map.of("status", "UP"));
    }

    public void ready(ServerRequest req, ServerResponse res) {
        Map<String, Object> results = new LinkedHashMap<>();
        boolean up = !draining.get();
        results.put("draining", Map.of("status", draining.get() ? "DOWN" : "UP"));
        for (Map.Entry<String, HealthCheck> entry : checks.entrySet()) {
            HealthCheck.Result result;
            try {
                result = entry.getValue().check();
            } catch (RuntimeException e) {
                result = HealthCheck.Result.down("check failed: " + e);
            }
            up &= result.up();
            results.put(entry.getKey(), Map.of("status", result.up() ? "UP" : "DOWN", "detail", result.detail()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", results);
        if (!up) {
            res.header("Retry-After", "5");
        }
        json.write(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }
}
