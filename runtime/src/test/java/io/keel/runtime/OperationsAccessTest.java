package io.keel.runtime;

import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Business figures and internals are not public: on the service listener {@code /metrics} and {@code /api/stats}
 * need the operator token; the management listener (loopback) serves them without one; health stays open.
 */
class OperationsAccessTest {
    private static final String TOKEN = "operations-access-token";
    @TempDir
    static Path dataDir;
    static Keel keel;
    static TestClient service;
    static TestClient management;

    @BeforeAll
    static void start() {
        keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString(), "admin-token", TOKEN, "management-port", "0"))));
        keel.start();
        service = TestClient.of(keel.port());
        management = TestClient.of(keel.managementPort().orElseThrow());
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static void assertProblem(HttpResponse<String> res, int status) {
        assertThat(res.statusCode()).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains("\"status\":" + status).doesNotContain("jvm_", "heapUsedBytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/api/stats"})
    void figuresOnTheServiceListenerNeedTheOperatorToken(String path) {
        assertProblem(service.get(path), 401);
        assertProblem(service.get(path, "not-the-token"), 403);
        assertProblem(service.send(service.request(path).header("Authorization", "Basic b3A6cHc=")), 401);
        assertThat(service.get(path, TOKEN).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/api/stats", "/"})
    void theManagementListenerServesFiguresWithoutAToken(String path) {
        assertThat(management.get(path).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/config", "/admin/threads"})
    void adminRoutesNeedTheTokenOnBothListeners(String path) {
        assertProblem(service.get(path), 401);
        assertProblem(management.get(path), 401);
        assertThat(management.get(path, TOKEN).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/live", "/health/ready"})
    void healthIsOpenOnBothListeners(String path) {
        assertThat(service.get(path).statusCode()).isEqualTo(200);
        assertThat(management.get(path).statusCode()).isEqualTo(200);
    }

    @Test
    void theDashboardPageLoadsWithoutATokenAndAsksForOneWhenStatsAre401() {
        HttpResponse<String> page = service.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Authorization", "Bearer ", "401");
    }

    @Test
    void theManagementListenerIsOnLoopbackByDefault() {
        assertThat(KeelConfig.defaults().management().host()).isEqualTo("127.0.0.1");
        assertThat(KeelConfig.defaults().management().port()).isEmpty();
    }

    @Test
    void metricsShowTheConnectionsOfEachListener() {
        String metrics = management.get("/metrics").body();
        assertThat(metrics).contains("keel_http_connections_active{listener=\"service\"}",
                "keel_http_connections_active{listener=\"management\"}", "keel_http_connections_refused_total",
                "keel_http_header_timeouts_total");
    }
}
