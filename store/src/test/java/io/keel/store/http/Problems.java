package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on RFC 9457 problem documents as the contract defines them. */
final class Problems {
    private Problems() {
    }

    /** Asserts {@code res} is a problem document with {@code status} and every required member; returns it. */
    static JsonNode assertProblem(HttpResponse<String> res, int status) {
        assertThat(res.statusCode()).as("status of %s", res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).as(res.body()).hasValue("application/problem+json");
        JsonNode doc = Api.json(res);
        assertThat(doc.get("status").asInt()).isEqualTo(status);
        for (String member : List.of("type", "title", "detail", "instance", "requestId")) {
            assertThat(doc.hasNonNull(member)).as("member %s of %s", member, res.body()).isTrue();
        }
        assertThat(doc.get("requestId").asText())
                .isEqualTo(res.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(res.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return doc;
    }

    /** The {@code field} names of a validation problem's {@code errors}. */
    static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(error -> fields.add(error.get("field").asText()));
        return fields;
    }
}
