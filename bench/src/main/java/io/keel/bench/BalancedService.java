package io.keel.bench;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Several store instances on one database behind a real HAProxy on loopback: the service is HAProxy's URL, its
 * processes are the instances and HAProxy together (sampled as one service), and each instance's pid is available for
 * its own CPU figure. Instances start one after the other, each on its own data dir; HAProxy starts once all are
 * ready and this returns once HAProxy sees them all up. {@link #close()} stops HAProxy, then every instance. Not
 * thread-safe to start; close is idempotent and never throws.
 */
public final class BalancedService implements ServiceUnderTest {
    private final List<ServiceUnderTest> instances;
    private final Haproxy haproxy;

    private BalancedService(List<ServiceUnderTest> instances, Haproxy haproxy) {
        this.instances = List.copyOf(instances);
        this.haproxy = haproxy;
    }

    /**
     * Starts {@code count} instances through {@code launcher} (which must point them at one shared database) and
     * HAProxy in front of them; logs and configuration go to {@code services.outDir()} under {@code label}.
     */
    public static BalancedService start(Launcher launcher, int count, ServiceSource services, String label,
                                        PrintStream log) {
        if (count < 1 || count > 16) {
            throw new BenchException("instances must be in 1..16, got " + count);
        }
        List<ServiceUnderTest> started = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Path data = services.dataDir("data-" + label + "-instance-" + i);
                started.add(launcher.start(data, true, services.outDir().resolve("service-" + label + "-instance-"
                        + i + ".log"), log));
            }
            Haproxy h = Haproxy.start(started.stream().map(ServiceUnderTest::url).toList(), services.outDir(), label,
                    Duration.ofSeconds(30), log);
            return new BalancedService(started, h);
        } catch (RuntimeException e) {
            started.forEach(ServiceUnderTest::close);
            throw e;
        }
    }

    /** The instances, in start order. */
    public List<ServiceUnderTest> instances() {
        return instances;
    }

    /** Requests HAProxy has sent to each instance so far, in instance order. */
    public List<Long> requestsPerInstance() {
        return haproxy.requestsPerServer();
    }

    /** HAProxy's process id. */
    public long balancerPid() {
        return haproxy.pid();
    }

    @Override
    public URI url() {
        return haproxy.url();
    }

    /** No single process: see {@link #pids()}. */
    @Override
    public OptionalLong pid() {
        return OptionalLong.empty();
    }

    @Override
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        instances.forEach(s -> s.pid().ifPresent(pids::add));
        pids.add(haproxy.pid());
        return pids;
    }

    @Override
    public String jvmFlags() {
        return instances.getFirst().jvmFlags();
    }

    @Override
    public void close() {
        haproxy.close();
        instances.forEach(ServiceUnderTest::close);
    }
}
