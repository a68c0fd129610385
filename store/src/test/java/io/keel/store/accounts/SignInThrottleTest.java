package io.keel.store.accounts;

import io.keel.runtime.http.TrustedProxies;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SignInThrottleTest {
    private final SignInThrottle throttle = SignInThrottle.inMemory(5, 50, Duration.ofMinutes(15), Duration.ofSeconds(2),
            TrustedProxies.none(), 1000, Clock.systemUTC());

    @Test
    void anAddressWithNoMoreFailuresThanOneAccountMayHaveIsNotSlowedDown() {
        assertThat(throttle.delay(0)).isZero();
        assertThat(throttle.delay(5)).isZero();
    }

    @Test
    void theSlowDownGrowsLinearlyToTheMaximumAtTheAddressBound() {
        assertThat(throttle.delay(6)).isEqualTo(Duration.ofSeconds(2).dividedBy(45));
        assertThat(throttle.delay(50)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.delay(28)).isBetween(throttle.delay(27), throttle.delay(29));
    }
}
