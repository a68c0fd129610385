package io.keel.store.http;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static io.keel.store.http.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in throttling over real HTTP: small per account, an order of magnitude higher per client address, and the
 * client address taken from forwarding headers only when the direct peer is a trusted proxy. Every request here comes
 * from 127.0.0.1, which is what makes "one address" testable. The slow-down delay is off (its arithmetic is tested in
 * {@code SignInThrottleTest}). On H2 the counts live in memory; {@link SignInThrottleHttpPostgresTest} runs the same
 * with the counts in the database every instance shares.
 */
class SignInThrottleHttpTest {
    private StoreUnderTest store;

    protected Backend backend() {
        return Backend.H2;
    }

    private Api start(String... extra) {
        Map<String, String> settings = new HashMap<>(Map.of("login-max-failures", "2",
                "login-address-max-failures", "6", "login-max-delay", "0s"));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        store = StoreUnderTest.start(backend(), settings);
        return store.api();
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
    }

    private static HttpResponse<String> signIn(Api api, String email, String password, String... headers) {
        var request = api.request("/api/sessions");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return api.send(Api.jsonPost(request, Api.credentials(email, password)));
    }

    @Test
    void oneAccountsTyposLockThatAccountButNotTheOthersSignedInFromTheSameAddress() {
        Api api = start();
        Api.User typist = api.newUser();
        Api.User colleague = api.newUser();
        for (int i = 0; i < 2; i++) {
            assertProblem(signIn(api, typist.email(), "typo " + i), 401);
        }
        assertProblem(signIn(api, typist.email(), Api.PASSWORD), 429);

        assertThat(signIn(api, colleague.email(), Api.PASSWORD).statusCode()).isEqualTo(201);
        assertThat(signIn(api, colleague.email(), Api.PASSWORD).statusCode()).isEqualTo(201);
    }

    @Test
    void anAddressIsRefusedOnlyAfterTheFarHigherAddressBoundAcrossAccounts() {
        Api api = start();
        Api.User victim = api.newUser();
        for (int i = 0; i < 6; i++) {
            // a different unknown account each time: no account bound is reached, only the address bound
            assertProblem(signIn(api, Api.uniqueEmail("guess"), "guess " + i), 401);
        }
        HttpResponse<String> refused = signIn(api, victim.email(), Api.PASSWORD);
        assertProblem(refused, 429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For", "Forwarded"})
    void forwardingHeadersFromAnUntrustedPeerAreIgnored(String header) {
        Api api = start();
        Api.User victim = api.newUser();
        for (int i = 0; i < 6; i++) {
            String claimed = "203.0.113." + (i + 1);
            assertProblem(signIn(api, Api.uniqueEmail("spoof"), "guess " + i, header,
                    header.equals("Forwarded") ? "for=" + claimed : claimed), 401);
        }
        // a new claimed address does not escape the peer's own bound
        assertProblem(signIn(api, victim.email(), Api.PASSWORD, "X-Forwarded-For", "198.51.100.9"), 429);
        assertProblem(signIn(api, victim.email(), Api.PASSWORD, "Forwarded", "for=198.51.100.9"), 429);
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnAddressBound() {
        Api api = start("trusted-proxies", "127.0.0.1, 10.0.0.0/8");
        Api.User user = api.newUser();
        for (int i = 0; i < 6; i++) {
            // the client claims 192.0.2.66 to the proxy; the proxy (10.1.2.3, trusted) and 127.0.0.1 add theirs
            assertProblem(signIn(api, Api.uniqueEmail("x"), "guess " + i,
                    "X-Forwarded-For", "192.0.2.66, 203.0.113.5, 10.1.2.3"), 401);
        }
        assertProblem(signIn(api, user.email(), Api.PASSWORD, "X-Forwarded-For", "203.0.113.5"), 429);
        assertThat(signIn(api, user.email(), Api.PASSWORD, "X-Forwarded-For", "203.0.113.6").statusCode())
                .isEqualTo(201);
        assertThat(signIn(api, user.email(), Api.PASSWORD, "Forwarded", "for=\"[2001:db8::1]:4711\"")
                .statusCode()).isEqualTo(201);
        // the proxy itself (no forwarding header) is another address again
        assertThat(signIn(api, user.email(), Api.PASSWORD).statusCode()).isEqualTo(201);
    }

    @Test
    void anAddressBoundBelowTheAccountBoundIsRefusedAtStartNamingBothSettings() {
        Assertions.assertThatThrownBy(() -> start("login-max-failures", "10",
                        "login-address-max-failures", "5"))
                .hasMessageContaining("login-address-max-failures").hasMessageContaining("login-max-failures");
    }

    @Test
    void aTrustedProxyThatIsNotAnAddressIsRefusedAtStart() {
        Assertions.assertThatThrownBy(() -> start("trusted-proxies", "proxy.example.com"))
                .hasMessageContaining("trusted-proxies").hasMessageContaining("proxy.example.com");
    }
}
