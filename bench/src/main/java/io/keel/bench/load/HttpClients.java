package io.keel.bench.load;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one way the tool builds an HTTP client: HTTP/1.1 (no h2c upgrade dance), no redirects, a connect timeout, and
 * a bounded keep-alive pool.
 * <p>The bound matters more than it looks. The JDK client's HTTP/1.1 pool hands out its idle connections oldest
 * first and keeps them in an expiry list that it walks from the newest end on every take and every return
 * ({@code jdk.internal.net.http.ConnectionPool}, JDK 25), so each request costs two walks over every idle connection.
 * Unbounded (the JDK's default), the pool grows to the most requests ever in flight at once (about 2,000 after the
 * service's cold start in a prod-mix) and, oldest first, never lets one expire: the generator then spent a third of
 * its samples in those walks and more CPU than the service it measured (docs/benchmarks.md, "Session 13"). Bounded,
 * a burst beyond the bound opens connections and closes the oldest idle ones when they come back.
 * <p>The bound is the system property {@value #POOL_SIZE_PROPERTY}, which the JDK reads once, when it first builds
 * a client; this class sets it to {@value #DEFAULT_POOL_SIZE} unless the command line already did, so every client
 * of the tool must come from here (a client built elsewhere first would fix the JDK's default). Stateless.
 */
public final class HttpClients {
    /** The JDK's property for the most idle HTTP/1.1 connections each client keeps (0 = unbounded). */
    public static final String POOL_SIZE_PROPERTY = "jdk.httpclient.connectionPoolSize";
    /** Idle connections kept when the command line says nothing: above the light load's usual concurrency. */
    public static final int DEFAULT_POOL_SIZE = 64;
    /** The bound in effect for this JVM's clients. */
    public static final int POOL_SIZE = bound();

    private HttpClients() {
    }

    private static int bound() {
        if (System.getProperty(POOL_SIZE_PROPERTY) == null) {
            System.setProperty(POOL_SIZE_PROPERTY, Integer.toString(DEFAULT_POOL_SIZE));
        }
        return Integer.getInteger(POOL_SIZE_PROPERTY, 0);
    }

    /** A new client, with a pool of its own under the bound. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
