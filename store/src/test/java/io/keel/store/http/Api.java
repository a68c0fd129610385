package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A blocking HTTP/1.1 client for one store on localhost, with the few calls every contract needs (sign up, sign in,
 * JSON posts). Thread-safe: {@link HttpClient} is.
 */
public record Api(HttpClient http, URI base) {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "correct horse battery";

    /** A signed-in customer. */
    record User(long id, String email, String token) {
    }

    static Api of(int port) {
        return new Api(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(), URI.create("http://127.0.0.1:" + port));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    HttpRequest.Builder request(String path, String token) {
        return request(path).header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET());
    }

    HttpResponse<String> post(String path, String json) {
        return send(jsonPost(request(path), json));
    }

    HttpResponse<String> post(String path, String token, String json) {
        return send(jsonPost(request(path, token), json));
    }

    HttpResponse<String> delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    static HttpRequest.Builder jsonPost(HttpRequest.Builder request, String json) {
        return request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    static String uniqueEmail(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    static String account(String email, String password, String name) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"name\":\"" + name + "\"}";
    }

    static String credentials(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    /** Signs up a fresh customer and signs in; fails the test if either step does not answer 201. */
    User newUser() {
        String email = uniqueEmail("user");
        HttpResponse<String> created = post("/api/accounts", account(email, PASSWORD, "Test User"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new User(json(created).get("id").asLong(), email, signIn(email, PASSWORD));
    }

    String signIn(String email, String password) {
        HttpResponse<String> session = post("/api/sessions", credentials(email, password));
        assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
        return json(session).get("token").asText();
    }

    static JsonNode json(HttpResponse<String> res) {
        try {
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + res.body(), e);
        }
    }
}
