package io.keel.store.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import static io.keel.store.http.Problems.assertProblem;
import static io.keel.store.http.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Sign-up, sign-in, sign-out and the sign-in throttle, over HTTP. */
abstract class AccountsHttpContract extends StoreContract {

    @Test
    void signingUpAnswers201WithTheAccountAndNoPassword() {
        String email = Api.uniqueEmail("Shape");
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> res = api.post("/api/accounts", Api.account(email, Api.PASSWORD, "Ada Lovelace"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode account = Api.json(res);
        assertThat(account.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("id", "email", "name", "role", "createdAt");
        assertThat(account.get("id").asLong()).isPositive();
        assertThat(account.get("email").asText()).isEqualTo(email);
        assertThat(account.get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(account.get("role").asText()).isEqualTo("customer");
        assertThat(account.get("createdAt").asText()).endsWith("Z");
        assertThat(Instant.parse(account.get("createdAt").asText())).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(res.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(store.count("SELECT COUNT(*) FROM accounts WHERE email = ?", email)).isEqualTo(1);
    }

    @Test
    void anEmailTakenInAnyCaseIs409() {
        String email = Api.uniqueEmail("taken");
        assertThat(api.post("/api/accounts", Api.account(email, Api.PASSWORD, "First")).statusCode()).isEqualTo(201);

        assertProblem(api.post("/api/accounts", Api.account(email, Api.PASSWORD, "Again")), 409);
        assertProblem(api.post("/api/accounts",
                Api.account(email.toUpperCase(Locale.ROOT), Api.PASSWORD, "Shouting")), 409);
        assertThat(store.count("SELECT COUNT(*) FROM accounts WHERE email_lower = ?", email)).isEqualTo(1);
    }

    @Test
    void aPasswordShorterThanTenCharactersIs400NamingThePassword() {
        String email = Api.uniqueEmail("short");
        JsonNode problem = assertProblem(api.post("/api/accounts", Api.account(email, "123456789", "Shorty")), 400);

        assertThat(fields(problem)).containsExactly("password");
        assertThat(store.count("SELECT COUNT(*) FROM accounts WHERE email = ?", email)).isZero();
        assertThat(api.post("/api/accounts", Api.account(email, "1234567890", "Exactly ten")).statusCode())
                .isEqualTo(201);
    }

    @Test
    void aMalformedEmailIs400NamingTheEmail() {
        for (String email : new String[] {"no-at-sign", "two@@example.com", "spaces in@example.com", "a@b", ""}) {
            JsonNode problem = assertProblem(api.post("/api/accounts", Api.account(email, Api.PASSWORD, "X")), 400);
            assertThat(fields(problem)).as(email).containsExactly("email");
        }
    }

    @Test
    void missingFieldsAre400NamingEachOfThem() {
        JsonNode problem = assertProblem(api.post("/api/accounts", "{}"), 400);
        assertThat(fields(problem)).containsExactlyInAnyOrder("email", "password", "name");

        JsonNode blankName = assertProblem(api.post("/api/accounts",
                Api.account(Api.uniqueEmail("blank"), Api.PASSWORD, "   ")), 400);
        assertThat(fields(blankName)).containsExactly("name");
    }

    @Test
    void signingInAnswers201WithATokenThatExpiresInTheFuture() {
        String email = Api.uniqueEmail("signin");
        api.post("/api/accounts", Api.account(email, Api.PASSWORD, "Signer"));

        HttpResponse<String> res = api.post("/api/sessions", Api.credentials(email.toUpperCase(Locale.ROOT),
                Api.PASSWORD));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        JsonNode session = Api.json(res);
        assertThat(session.get("token").asText()).hasSizeGreaterThanOrEqualTo(20);
        Instant expiresAt = Instant.parse(session.get("expiresAt").asText());
        assertThat(expiresAt).isCloseTo(Instant.now().plus(Duration.ofHours(24)), within(Duration.ofMinutes(1)));
        assertThat(api.get("/api/orders", session.get("token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailGetTheSame401() {
        Api.User user = api.newUser();

        JsonNode wrongPassword = assertProblem(api.post("/api/sessions",
                Api.credentials(user.email(), "not the password")), 401);
        JsonNode unknownEmail = assertProblem(api.post("/api/sessions",
                Api.credentials(Api.uniqueEmail("nobody"), Api.PASSWORD)), 401);

        assertThat(unknownEmail.get("title")).isEqualTo(wrongPassword.get("title"));
        assertThat(unknownEmail.get("detail")).isEqualTo(wrongPassword.get("detail"));
        assertThat(unknownEmail.get("type")).isEqualTo(wrongPassword.get("type"));
        assertThat(unknownEmail.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrderElementsOf(wrongPassword.properties().stream().map(Map.Entry::getKey)
                        .toList());
    }

    @Test
    void signingInWithoutEmailOrPasswordIs400() {
        assertProblem(api.post("/api/sessions", "{\"email\":\"a@example.com\"}"), 400);
        assertProblem(api.post("/api/sessions", "{\"password\":\"whatever-long\"}"), 400);
    }

    @Test
    void repeatedFailuresForOneEmailAre429WithRetryAfterEvenForTheRightPassword() {
        try (StoreUnderTest throttled = StoreUnderTest.start(backend(), Map.of("login-max-failures", "3"))) {
            Api client = throttled.api();
            Api.User user = client.newUser();
            for (int i = 0; i < 3; i++) {
                assertProblem(client.post("/api/sessions", Api.credentials(user.email(), "wrong password " + i)), 401);
            }

            HttpResponse<String> refused = client.post("/api/sessions", Api.credentials(user.email(), Api.PASSWORD));

            assertProblem(refused, 429);
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, Duration.ofMinutes(15).toSeconds());
        }
    }

    @Test
    void signingOutAnswers204AndTheTokenStopsWorkingAtOnce() {
        Api.User user = api.newUser();
        String other = api.signIn(user.email(), Api.PASSWORD);
        // used once, so an instance that caches sessions (embedded H2) holds it in memory before the sign-out
        assertThat(api.get("/api/orders", user.token()).statusCode()).isEqualTo(200);

        HttpResponse<String> res = api.delete("/api/sessions/current", user.token());

        assertThat(res.statusCode()).isEqualTo(204);
        assertThat(res.body()).isEmpty();
        assertProblem(api.get("/api/orders", user.token()), 401);
        assertProblem(api.delete("/api/sessions/current", user.token()), 401);
        assertThat(api.get("/api/orders", other).statusCode()).as("another session of the same user").isEqualTo(200);
    }

    @Test
    void signingOutWithoutATokenIs401AndWithTheOperatorTokenIs403() {
        assertProblem(api.send(api.request("/api/sessions/current").DELETE()), 401);
        assertProblem(api.delete("/api/sessions/current", "not-a-real-token"), 401);
        assertProblem(api.delete("/api/sessions/current", StoreUnderTest.OPERATOR_TOKEN), 403);
    }
}
