package io.keel.runtime;

import io.keel.runtime.config.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Request lines a client may not send get a 4xx problem (or 501/505 where HTTP says so), never a 500. */
class MalformedRequestLineTest {
    @TempDir
    static Path dataDir;
    static Keel keel;

    @BeforeAll
    static void start() {
        keel = Keel.create(KeelConfig.from(Settings.of(Map.of("port", "0", "host", "127.0.0.1",
                "data-dir", dataDir.toString()))));
        keel.routes(r -> r.get("/items/{id}", (req, res) -> res.send("item")));
        keel.start();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    static RawResponse send(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", keel.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawResponse.read(socket.getInputStream());
        }
    }

    private static void assertProblem(RawResponse res, int... statuses) {
        assertThat(res.statusCode()).isIn((Object[]) Arrays.stream(statuses).boxed().toArray(Integer[]::new));
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains("\"status\":" + res.statusCode()).contains("\"requestId\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"G(T", "GE\"T", "GET/", "<script>", "G{}T", "GE T", "@", "GET\u00e9", "\u00ff\u00fe",
            "G\tET", "[GET]", "GET,POST", "GE:T", "GE;T", "G\\T"})
    void aMethodThatIsNotAnHttpTokenIs400(String method) throws Exception {
        assertProblem(send(method + " /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BREW", "PROPFIND", "MKCOL", "X-CUSTOM", "SEARCH", "QUERY", "A", "LINK", "PURGE"})
    void aWellFormedMethodTheServerDoesNotKnowIs501(String method) throws Exception {
        assertProblem(send(method + " /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 501);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/9.9", "HTTP/2.0", "HTTP/3", "HTTP/1.2", "HTTP/0.9", "HTTP/2", "HTTP/1.0"})
    void anUnsupportedHttpVersionIsAnsweredBeforeTheConnectionCloses(String version) throws Exception {
        assertProblem(send("GET /items/1 " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n"), 505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTX/1.1", "http/1.1", "HTTP/1.x", "HTTP/١.١", "HTTP/1.1 extra", "HTTP1.1", "H", "HTTP/1.1\u0000"})
    void aProtocolThatIsNotHttpIs400(String version) throws Exception {
        assertProblem(send("GET /items/1 " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, 505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET\r\n", "GET  HTTP/1.1\r\n", " GET /items/1 HTTP/1.1\r\n", "GET /items/1\r\n",
            "GET items/1 HTTP/1.1\r\n", "GET /items/1 HTTP/1.1 x\r\n", "GET /it ems/1 HTTP/1.1\r\n"})
    void aRequestLineOfTheWrongShapeIs400(String line) throws Exception {
        assertProblem(send(line + "Host: x\r\nConnection: close\r\n\r\n"), 400, 404, 505);
    }
}
