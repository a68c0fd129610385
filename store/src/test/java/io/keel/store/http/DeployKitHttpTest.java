package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.runtime.KeelConfig;
import io.keel.runtime.config.ConfigException;
import io.keel.runtime.config.Settings;
import io.keel.store.StoreConfig;
import io.keel.store.StoreMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deployment kit in {@code deploy/} checked against the service it deploys (images cannot be built or run
 * here): every {@code KEEL_*} name in it is a setting the running store reads (its {@code GET /admin/config}), its
 * values load, every probe, health-check and scrape path answers on the port it names on a store configured from the
 * ConfigMap, shutdown timings follow {@code KEEL_DRAIN_DELAY} and {@code KEEL_SHUTDOWN_GRACE}, and the heap flags fit
 * the memory limits as the JVM itself sizes them. yamllint, {@code haproxy -c} and promtool run in {@code .ci/run}.
 */
class DeployKitHttpTest {
    private static final DeployKit KIT = DeployKit.ofCheckout();
    private static Map<String, JsonNode> manifests;
    private static Map<String, String> configMap;
    private static StoreUnderTest store;

    @BeforeAll
    static void startAStoreConfiguredFromTheConfigMap() {
        manifests = KIT.manifests();
        configMap = strings(manifests.get("ConfigMap").path("data"));
        Map<String, String> settings = new HashMap<>();
        configMap.forEach((name, value) -> settings.put(DeployKit.settingKey(name), value));
        // What differs in a test JVM: loopback and free ports for both listeners, the test's own data dir and
        // database, no RSS limit (this JVM is shared by other tests; the pod's limit is checked below) and no drain
        // wait at close (the value is checked below).
        for (String key : List.of("data-dir", "db-url", "db-user")) {
            settings.remove(key);
        }
        settings.putAll(Map.of("host", "127.0.0.1", "port", "0", "management-host", "127.0.0.1",
                "management-port", "0", "rss-limit", "0", "drain-delay", "0s"));
        store = StoreUnderTest.start(Backend.H2, settings);
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void everyKeelNameInTheKitIsASettingTheRunningStoreReads() throws Exception {
        HttpResponse<String> config = store.api().get("/admin/config", StoreUnderTest.OPERATOR_TOKEN);
        assertThat(config.statusCode()).isEqualTo(200);
        Set<String> known = new TreeSet<>();
        Api.JSON.readTree(config.body()).fieldNames().forEachRemaining(known::add);
        assertThat(known).contains("drain-delay", "db-url", "management-port");

        Map<String, String> texts = new LinkedHashMap<>();
        for (String dir : List.of("kubernetes", "systemd", "haproxy", "container")) {
            KIT.files(dir).forEach(f -> texts.put(KIT.dir().relativize(f).toString(),
                    KIT.read(KIT.dir().relativize(f).toString())));
        }
        assertThat(texts.values().stream().mapToInt(t -> DeployKit.keelNames(t).size()).sum()).isGreaterThan(20);
        assertThat(unknownNames(texts, known)).isEmpty();
        // The check bites: a misspelled name is reported with its file.
        assertThat(unknownNames(Map.of("store.env", "KEEL_DRAIN_DELAYS=10s\nKEEL_PORT=8080"), known))
                .containsExactly("store.env: KEEL_DRAIN_DELAYS");
    }

    @Test
    void theKitsValuesAreValidSettings() {
        Map<String, String> pod = new HashMap<>(configMap);
        pod.putAll(strings(manifests.get("Secret").path("stringData")));
        pod.put("KEEL_MANAGEMENT_HOST", "10.1.2.3"); // the pod's address, from the downward API
        load(pod);
        load(KIT.envFile("systemd/keel-store.env"));
        Map<String, String> broken = new HashMap<>(configMap);
        broken.put("KEEL_DRAIN_DELAY", "10 parsecs");
        assertThatThrownBy(() -> load(broken)).isInstanceOf(ConfigException.class).hasMessageContaining("drain-delay");
    }

    @Test
    void probesHealthChecksAndScrapesAnswerOnThePortsTheyName() {
        JsonNode pod = manifests.get("Deployment").path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("http", Integer.parseInt(configMap.get("KEEL_PORT")))
                .containsEntry("management", Integer.parseInt(configMap.get("KEEL_MANAGEMENT_PORT")));
        Map<String, Api> listeners = Map.of("http", store.api(),
                "management", Api.of(store.service().keel().managementPort().orElseThrow()));

        assertThat(ports).containsKey(manifests.get("Service").path("spec").path("ports").get(0)
                .path("targetPort").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(listeners).as(probe + " port").containsKey(get.path("port").asText());
            assertThat(listeners.get(get.path("port").asText()).get(get.path("path").asText()).statusCode())
                    .as(probe + " " + get).isEqualTo(200);
        }
        JsonNode scrape = pod.path("metadata").path("annotations");
        assertThat(scrape.path("prometheus.io/port").asInt()).isEqualTo(ports.get("management"));
        HttpResponse<String> metrics = listeners.get("management").get(scrape.path("prometheus.io/path").asText());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("keel_");

        List<String> check = KIT.haproxy("http-check send");
        assertThat(DeployKit.after(check, "ver")).as("the store answers an HTTP/1.0 check with 505")
                .isEqualTo("HTTP/1.1");
        String healthCheck = DeployKit.after(check, "uri");
        assertThat(store.api().get(healthCheck).statusCode()).as("HAProxy's check " + healthCheck).isEqualTo(200);
        String envPort = KIT.envFile("systemd/keel-store.env").get("KEEL_PORT");
        assertThat(KIT.haproxy("server store1").getFirst()).endsWith(":" + envPort);
        assertThat(KIT.read("container/Dockerfile")).contains("EXPOSE " + configMap.get("KEEL_PORT") + " "
                + configMap.get("KEEL_MANAGEMENT_PORT"));
        String main = StoreMain.class.getName();
        assertThat(KIT.unit("systemd/keel-store.service").get("ExecStart")).endsWith(main + " start");
        assertThat(KIT.read("container/Dockerfile")).contains("\"" + main + "\", \"start\"]");
    }

    @Test
    void shutdownTimingsFollowTheDrainDelayAndTheGrace() {
        KeelConfig pod = KeelConfig.from(Settings.load(configMap, Map.of()));
        JsonNode spec = manifests.get("Deployment").path("spec").path("template").path("spec");
        long preStop = spec.path("containers").get(0).path("lifecycle").path("preStop").path("sleep")
                .path("seconds").asLong();
        assertThat(preStop).as("preStop sleep = KEEL_DRAIN_DELAY").isEqualTo(pod.drainDelay().toSeconds())
                .isPositive();
        assertThat(spec.path("terminationGracePeriodSeconds").asLong()).as("preStop + drain + grace")
                .isGreaterThan(preStop + pod.drainDelay().toSeconds() + pod.shutdownGrace().toSeconds());

        Settings hostSettings = Settings.load(KIT.envFile("systemd/keel-store.env"), Map.of());
        KeelConfig host = KeelConfig.from(hostSettings);
        StoreConfig hostStore = StoreConfig.from(hostSettings, Path.of("unused"));
        Map<String, String> unit = KIT.unit("systemd/keel-store.service");
        assertThat(unit).containsEntry("KillSignal", "SIGTERM").containsEntry("KillMode", "mixed");
        assertThat(DeployKit.time(unit.get("TimeoutStopSec"), TimeUnit.SECONDS)).as("TimeoutStopSec")
                .isGreaterThan(host.drainDelay().plus(host.shutdownGrace()));

        List<String> checks = KIT.haproxy("default-server");
        Duration noticed = DeployKit.time(DeployKit.after(checks, "inter"), TimeUnit.MILLISECONDS)
                .multipliedBy(Long.parseLong(DeployKit.after(checks, "fall")));
        assertThat(noticed).as("HAProxy takes a draining server out before its listener closes")
                .isLessThan(host.drainDelay());
        assertThat(haproxyTimeout("http-request")).isLessThanOrEqualTo(host.headerTimeout());
        assertThat(haproxyTimeout("http-keep-alive")).isLessThan(host.idleTimeout());
        assertThat(DeployKit.time(DeployKit.after(checks, "pool-purge-delay"), TimeUnit.MILLISECONDS))
                .isLessThan(host.idleTimeout());
        assertThat(haproxyTimeout("server")).as("an idle event stream outlives its heartbeats")
                .isGreaterThan(hostStore.sse().heartbeat().multipliedBy(2));
    }

    @Test
    void heapFlagsFitTheMemoryLimitsAsTheJvmSizesThem() {
        JsonNode container = manifests.get("Deployment").path("spec").path("template").path("spec")
                .path("containers").get(0);
        JsonNode resources = container.path("resources");
        assertThat(resources.path("requests").path("memory")).isEqualTo(resources.path("limits").path("memory"));
        long podLimit = DeployKit.bytes(resources.path("limits").path("memory").asText(), false);
        String podFlags = "";
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("JDK_JAVA_OPTIONS")) {
                podFlags = env.path("value").asText();
            }
        }
        long podRss = KeelConfig.from(Settings.load(configMap, Map.of())).rssLimit();
        assertThat(overLimit(podLimit, podFlags, podRss)).isEmpty();

        Map<String, String> unit = KIT.unit("systemd/keel-store.service");
        long hostLimit = DeployKit.bytes(unit.get("MemoryMax"), true);
        Matcher flags = Pattern.compile("\"JDK_JAVA_OPTIONS=([^\"]+)\"")
                .matcher(KIT.read("systemd/keel-store.service"));
        assertThat(flags.find()).isTrue();
        long hostRss = KeelConfig.from(Settings.load(KIT.envFile("systemd/keel-store.env"), Map.of())).rssLimit();
        assertThat(overLimit(hostLimit, flags.group(1), hostRss)).isEmpty();

        // The check bites: the same pod with 90% of its memory as heap no longer fits.
        assertThat(overLimit(podLimit, podFlags.replace("MaxRAMPercentage=50", "MaxRAMPercentage=90"), podRss))
                .isNotEmpty();
    }

    /** Why a JVM with {@code flags} in {@code limit} bytes does not fit; empty when it does. */
    private static List<String> overLimit(long limit, String flags, long rssLimit) {
        List<String> problems = new ArrayList<>();
        if (rssLimit <= 0 || rssLimit >= limit) {
            problems.add("KEEL_RSS_LIMIT " + rssLimit + " must be set and below the memory limit " + limit);
        }
        Map<String, Long> bounds = DeployKit.jvmBounds(limit, flags);
        long total = 0;
        for (Map.Entry<String, Long> b : bounds.entrySet()) {
            if (b.getValue() == Long.MAX_VALUE) {
                problems.add(b.getKey() + " is unbounded: set it in the JVM flags");
            } else {
                total += b.getValue();
            }
        }
        if (total > rssLimit) {
            problems.add("heap + metaspace + code cache + direct buffers = " + total + " bytes " + bounds
                    + " exceed KEEL_RSS_LIMIT " + rssLimit + " (memory limit " + limit + ")");
        }
        return problems;
    }

    private static Duration haproxyTimeout(String name) {
        return DeployKit.time(KIT.haproxy("timeout " + name).getFirst(), TimeUnit.MILLISECONDS);
    }

    private static List<String> unknownNames(Map<String, String> texts, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        texts.forEach((file, text) -> DeployKit.keelNames(text).stream()
                .filter(name -> !known.contains(DeployKit.settingKey(name)))
                .forEach(name -> unknown.add(file + ": " + name)));
        return unknown;
    }

    /** Reads every setting the store reads from {@code env} (a process environment), validating each value. */
    private static void load(Map<String, String> env) {
        Settings s = Settings.load(env, Map.of());
        KeelConfig config = KeelConfig.from(s);
        StoreConfig.from(s, config.dataDir());
    }

    private static Map<String, String> strings(JsonNode object) {
        return object.properties().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asText()));
    }
}
