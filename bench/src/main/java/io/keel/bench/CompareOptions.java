package io.keel.bench;

import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Options naming a reference service to run every scenario against in the same invocation: the Node.js peer the
 * tool starts itself, or a service already running. Without either, nothing is compared (and Node.js is never
 * needed). Mutable picocli holder; read once by the command.
 */
final class CompareOptions {
    @Option(names = "--compare-peer", description = "Directory of the installed Node.js peer (node-store, npm ci "
            + "done): the tool starts `node server.js` there itself, on a free port with its own data dir, seeded "
            + "like Keel, and reports Keel ÷ peer for every headline.")
    Optional<Path> peerDir = Optional.empty();
    @Option(names = "--compare-url", description = "Base URL of an already running reference service (loopback).")
    Optional<URI> url = Optional.empty();
    @Option(names = "--compare-pid", description = "PID of the service at --compare-url (RSS/CPU).")
    Optional<Long> pid = Optional.empty();
    @Option(names = "--compare-admin-token", defaultValue = "${env:PEER_ADMIN_TOKEN}",
            description = "Operator token of the service at --compare-url (default: env PEER_ADMIN_TOKEN).")
    Optional<String> adminToken = Optional.empty();
    @Option(names = "--node", description = "node executable for --compare-peer (default ${DEFAULT-VALUE}).")
    Path node = Path.of("node");
    @Option(names = "--reference-first", description = "Measure the reference before Keel (default: Keel first); "
            + "run twice with and without it to see order effects.")
    boolean referenceFirst;

    boolean active() {
        if (peerDir.isPresent() && url.isPresent()) {
            throw new BenchException("--compare-peer and --compare-url are alternatives; give one");
        }
        return peerDir.isPresent() || url.isPresent();
    }
}
