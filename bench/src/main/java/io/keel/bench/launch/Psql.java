package io.keel.bench.launch;

import io.keel.bench.BenchException;
import io.keel.bench.Loopback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The PostgreSQL side of the benchmark, through the {@code psql} client (no JDBC driver in the tool): fresh schemas
 * for the store to work in, dropped afterwards (other people use the same database), and the reference export
 * {@code COPY (SELECT ...) TO STDOUT WITH CSV}. Only loopback servers. Immutable; each call blocks on one psql.
 *
 * @param host     server host (loopback)
 * @param port     server port
 * @param database database name
 * @param user     user name ({@code postgres} when the URL has none)
 */
public record Psql(String host, int port, String database, String user) {
    /** Parses {@code postgresql://[user@]host[:port]/db} (also with a {@code jdbc:} prefix). */
    public static Psql parse(String url) {
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new BenchException("--pg-url '" + url + "' is not a URL like postgresql://127.0.0.1:5432/test");
        }
        if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath() == null
                || uri.getPath().length() < 2) {
            throw new BenchException("--pg-url '" + url + "' is not a URL like postgresql://127.0.0.1:5432/test");
        }
        Loopback.require(URI.create("http://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                ? "[" + uri.getHost() + "]" : uri.getHost()) + "/"));
        String user = Optional.ofNullable(uri.getUserInfo()).map(i -> i.split(":", 2)[0]).orElse("postgres");
        return new Psql(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1), user);
    }

    /** Creates a schema with a fresh random name; returns the name. */
    public String createSchema() {
        String schema = "keel_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    public void dropSchema(String schema) {
        requireIdentifier(schema);
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** The URL the store gets: this database with {@code currentSchema}. */
    public String storeUrl(String schema) {
        requireIdentifier(schema);
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database + "?currentSchema=" + schema;
    }

    /** Result of one COPY. Immutable. */
    public record CopyResult(long rows, long bytes, double seconds) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : Double.NaN;
        }
    }

    /** Times {@code COPY (<the store's export select>) TO STDOUT WITH CSV HEADER} read to the end by this JVM. */
    public CopyResult copyExport(String schema, ExportQuery query) {
        requireIdentifier(schema);
        String sql = copySql(schema, query);
        long start = System.nanoTime();
        Process p = start(sql);
        try (InputStream in = p.getInputStream()) {
            CsvCount count = CsvCount.read(in);
            double secs = (System.nanoTime() - start) / 1e9;
            finish(p, sql);
            return new CopyResult(Math.max(0, count.lines() - 1), count.bytes(), secs);
        } catch (IOException e) {
            p.destroyForcibly();
            throw new BenchException("reading psql's COPY output failed: " + e.getMessage(), e);
        }
    }

    /** The COPY statement of the reference: exactly the service's SELECT. */
    static String copySql(String schema, ExportQuery query) {
        return "COPY (" + query.select(schema) + ") TO STDOUT WITH CSV HEADER";
    }

    /** Runs one statement; fails with psql's message. */
    public void execute(String sql) {
        Process p = start(sql);
        try (InputStream in = p.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            p.destroyForcibly();
            throw new BenchException("psql failed: " + e.getMessage(), e);
        }
        finish(p, sql);
    }

    List<String> command(String sql) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p",
                Integer.toString(port), "-U", user, "-d", database, "-c", sql));
        return cmd;
    }

    private Process start(String sql) {
        try {
            return new ProcessBuilder(Niceness.atServicePriority(command(sql))).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new BenchException("cannot run psql (install the PostgreSQL client, e.g. apt-get install "
                    + "postgresql-client): " + e.getMessage(), e);
        }
    }

    private static void finish(Process p, String sql) {
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BenchException("psql did not finish within 10 minutes: " + sql);
            }
            if (p.exitValue() != 0) {
                String err = new String(p.getErrorStream().readNBytes(2_000), UTF_8).strip();
                throw new BenchException("psql failed (status " + p.exitValue() + ") on '" + sql + "': " + err);
            }
        } catch (IOException e) {
            throw new BenchException("psql failed on '" + sql + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running psql", e);
        }
    }

    private static void requireIdentifier(String schema) {
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new BenchException("not a plain schema name: '" + schema + "'");
        }
    }
}
