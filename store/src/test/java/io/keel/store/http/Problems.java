package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on RFC 9457 problem documents as the contract defines them. */
final class Problems {
    private Problems() {
    }

    /** Asserts {@code res} is a problem document with {@code status} and every required member; returns it. */
    static JsonNode assertProblem(HttpResponse<String> res, int status) {
        return check(res.statusCode(), res.headers().firstValue("Content-Type"),
                res.headers().firstValue("X-Request-Id"), res.body(), status);
    }

    static JsonNode assertProblem(RawHttp.Response res, int status) {
        return check(res.status(), res.header("Content-Type"), res.header("X-Request-Id"), res.body(), status);
    }

    /** Asserts a 4xx problem document (any client error, never a 500); returns it. */
    static JsonNode assertClientError(HttpResponse<String> res) {
        assertThat(res.statusCode()).as("status of %s", res.body()).isBetween(400, 499);
        return assertProblem(res, res.statusCode());
    }

    static JsonNode assertClientError(RawHttp.Response res) {
        assertThat(res.status()).as("status of %s", res.body()).isBetween(400, 499);
        return assertProblem(res, res.status());
    }

    private static JsonNode check(int actual, Optional<String> contentType, Optional<String> requestId, String body,
                                  int status) {
        assertThat(actual).as("status of %s", body).isEqualTo(status);
        assertThat(contentType).as(body).hasValue("application/problem+json");
        JsonNode doc;
        try {
            doc = Api.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertThat(doc.get("status").asInt()).isEqualTo(status);
        for (String member : List.of("type", "title", "detail", "instance", "requestId")) {
            assertThat(doc.hasNonNull(member)).as("member %s of %s", member, body).isTrue();
        }
        assertThat(requestId).as("X-Request-Id").hasValue(doc.get("requestId").asText());
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ");
        return doc;
    }

    /** The {@code field} names of a validation problem's {@code errors}. */
    static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(error -> fields.add(error.get("field").asText()));
        return fields;
    }
}
