package io.keel.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the Node.js reference peer ({@code shared/peers/node-store}) from its installed directory: {@code node
 * server.js} on 127.0.0.1 and a free port, with its own data dir ({@code PEER_DATA_DIR}) and operator token
 * ({@code PEER_ADMIN_TOKEN}); seeds with {@code node seed.js} at the same sizes as Keel (customers
 * {@code customerN@example.com} / {@code customer-password}). The peer's directory is only read. Immutable.
 *
 * @param dir      the peer's directory (with {@code node_modules} installed: {@code npm ci})
 * @param node     the node executable
 * @param token    operator token
 * @param env      further environment, e.g. {@code PEER_MAX_OLD_SPACE_MB=128} for upload-scale
 * @param cpus     CPU list to pin the peer to ({@code taskset -c}), empty = not pinned
 * @param startTimeout longest wait for seeding and for {@code /health/ready}
 */
public record PeerLauncher(Path dir, Path node, String token, Map<String, String> env, Optional<String> cpus,
                           Duration startTimeout) implements Launcher {
    public static final String ADMIN_PASSWORD = "bench-admin-password";

    public PeerLauncher {
        env = Map.copyOf(env);
        if (!Files.isRegularFile(dir.resolve("server.js")) || !Files.isDirectory(dir.resolve("node_modules"))) {
            throw new BenchException("--compare-peer " + dir + " is not an installed node-store peer (need "
                    + "server.js and node_modules: run `npm ci` there)");
        }
    }

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public Optional<String> templateKey(long orders) {
        return Optional.of("peer-sqlite-" + orders + "-orders-" + Launcher.customers(orders) + "-users-"
                + PRODUCTS + "-products-seed42");
    }

    @Override
    public void seed(Path dataDir, long orders, Path logFile, PrintStream log) {
        List<String> cmd = List.of(node.toString(), dir.resolve("seed.js").toString(), "--orders",
                Long.toString(orders), "--users", Integer.toString(Launcher.customers(orders)), "--products",
                Integer.toString(PRODUCTS), "--seed", "42", "--admin-password", ADMIN_PASSWORD);
        log.println("seeding the peer with " + orders + " orders into " + dataDir);
        Process p = LaunchedService.spawnIn(dir, cmd, environment(dataDir, Map.of()), logFile);
        try {
            if (!p.waitFor(startTimeout.plusMillis(orders).toMillis(), TimeUnit.MILLISECONDS)) {
                LaunchedService.stop(p, Duration.ofSeconds(5));
                throw new BenchException("seeding the peer took longer than " + startTimeout + "; see " + logFile);
            }
            if (p.exitValue() != 0) {
                throw new BenchException("seeding the peer failed with status " + p.exitValue() + "; see " + logFile);
            }
        } catch (InterruptedException e) {
            LaunchedService.stop(p, Duration.ofSeconds(5));
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while seeding the peer", e);
        }
    }

    @Override
    public ServiceUnderTest start(Path dataDir, boolean protections, Path logFile, PrintStream log) {
        int port = Loopback.freePort();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("PORT", Integer.toString(port));
        extra.put("HOST", "127.0.0.1");
        extra.put("PEER_NAIVE", protections ? "0" : "1");
        List<String> cmd = new ArrayList<>();
        cpus.ifPresent(c -> cmd.addAll(List.of("taskset", "-c", c)));
        cmd.addAll(List.of(node.toString(), dir.resolve("server.js").toString()));
        log.println("starting the peer: " + String.join(" ", cmd) + " (port " + port + ")");
        Process p = LaunchedService.spawnIn(dir, cmd, environment(dataDir, extra), logFile);
        return PeerService.awaitReady(p, port, startTimeout, logFile, describe(protections), log);
    }

    private String describe(boolean protections) {
        return "node " + env.getOrDefault("PEER_MAX_OLD_SPACE_MB", "512") + " MB old space per worker"
                + (protections ? "" : " (PEER_NAIVE=1)");
    }

    private Map<String, String> environment(Path dataDir, Map<String, String> extra) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put("PEER_DATA_DIR", dataDir.toString());
        e.put("PEER_ADMIN_TOKEN", token);
        e.putAll(extra);
        return e;
    }

    @Override
    public String adminToken() {
        return token;
    }
}
