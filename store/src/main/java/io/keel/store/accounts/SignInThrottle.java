package io.keel.store.accounts;

import io.helidon.webserver.http.ServerRequest;
import io.keel.runtime.config.ConfigException;
import io.keel.runtime.http.ProblemException;
import io.keel.runtime.http.TrustedProxies;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How sign-in failures are limited, per account and per client address, with different bounds because they protect
 * different things. Per account the limit is small ({@code login-max-failures}, 5 per 15 minutes): that is what bounds
 * guessing one person's password. Per address it is an order of magnitude higher
 * ({@code login-address-max-failures}, 50): many people share an address (an office behind NAT, every user behind a
 * load balancer), so one person's typos must not lock the others out. Between the two an address is slowed down, not
 * refused: each attempt waits longer the more failures the address has, up to {@code login-max-delay} just before
 * the address bound. The client address is the direct peer unless that is a configured trusted proxy.
 *
 * <p>The counts live in process memory ({@link #inMemory}: one instance, bounded by {@code maxKeys}) or in the
 * database every instance shares ({@link #shared}: PostgreSQL), so that spreading attempts over instances gains an
 * attacker nothing.
 *
 * <p>Thread-safe; memory is bounded by the throttles' key limits.
 */
public final class SignInThrottle {
    private final FailureCounts accounts;
    private final FailureCounts addresses;
    private final int accountMax;
    private final int addressMax;
    private final Duration maxDelay;
    private final TrustedProxies proxies;

    /** The two keys of one attempt. */
    public record Attempt(String account, String address) {
    }

    private SignInThrottle(FailureCounts accounts, FailureCounts addresses, int accountMax, int addressMax,
                           Duration maxDelay, TrustedProxies proxies) {
        if (addressMax < accountMax) {
            throw new ConfigException("invalid setting login-address-max-failures=" + addressMax
                    + ": must be at least login-max-failures (" + accountMax + ")");
        }
        this.accounts = accounts;
        this.addresses = addresses;
        this.accountMax = accountMax;
        this.addressMax = addressMax;
        this.maxDelay = maxDelay;
        this.proxies = proxies;
    }

    /** Counts in this process's memory, at most {@code maxKeys} keys per kind (one instance). */
    public static SignInThrottle inMemory(int accountMax, int addressMax, Duration window, Duration maxDelay,
                                          TrustedProxies proxies, int maxKeys, Clock clock) {
        return new SignInThrottle(new LoginThrottle(accountMax, window, maxKeys, clock),
                new LoginThrottle(addressMax, window, maxKeys, clock), accountMax, addressMax, maxDelay, proxies);
    }

    /** Counts in the PostgreSQL database every instance shares ({@link SharedLoginThrottle}). */
    public static SignInThrottle shared(int accountMax, int addressMax, Duration window, Duration maxDelay,
                                        TrustedProxies proxies, DataSource dataSource, Clock clock) {
        return new SignInThrottle(new SharedLoginThrottle(dataSource, accountMax, window, clock),
                new SharedLoginThrottle(dataSource, addressMax, window, clock), accountMax, addressMax, maxDelay,
                proxies);
    }

    /**
     * Registers the two in-memory failure caches' sizes and their bound: {@code keel_cache_entries{cache}} and
     * {@code keel_cache_max_entries{cache}}, caches {@code login-accounts} and {@code login-addresses}. Counts kept in
     * the shared database are no cache of this process: nothing to register.
     */
    public void report(MeterRegistry registry) {
        for (Map.Entry<String, FailureCounts> cache : Map.of("login-accounts", accounts,
                "login-addresses", addresses).entrySet()) {
            if (cache.getValue() instanceof LoginThrottle throttle) {
                Gauge.builder("keel.cache.entries", throttle, LoginThrottle::size).tag("cache", cache.getKey())
                        .description("Entries in a bounded in-memory cache").register(registry);
                Gauge.builder("keel.cache.max.entries", throttle, LoginThrottle::maxKeys)
                        .tag("cache", cache.getKey())
                        .description("The bound of a cache; the least recently used entry goes beyond it")
                        .register(registry);
            }
        }
    }

    /**
     * Admits an attempt for {@code email}: a 429 when the account or the address is over its bound, otherwise it
     * returns after this address's slow-down delay (blocking the request's virtual thread, not a carrier).
     */
    public Attempt admit(ServerRequest req, String email) {
        Attempt attempt = new Attempt("email:" + email.trim().toLowerCase(Locale.ROOT),
                "client:" + proxies.clientAddress(req));
        Optional<Duration> wait = accounts.blocked(attempt.account()).or(() -> addresses.blocked(attempt.address()));
        if (wait.isPresent()) {
            throw ProblemException.tooManyRequests("too many failed sign-ins; try again later", wait.get());
        }
        Duration delay = delay(addresses.failures(attempt.address()));
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.unavailable("the server is shutting down", Duration.ofSeconds(5));
            }
        }
        return attempt;
    }

    /** Up to {@code accountMax} failures from an address cost nothing; then the wait grows linearly to the maximum. */
    Duration delay(int addressFailures) {
        int over = addressFailures - accountMax;
        if (over <= 0) {
            return Duration.ZERO;
        }
        return maxDelay.multipliedBy(over).dividedBy(Math.max(1, addressMax - accountMax));
    }

    public void failed(Attempt attempt) {
        accounts.failure(attempt.account());
        addresses.failure(attempt.address());
    }

    /** A success clears the account's failures, not the address's: one valid account must not reset an attacker. */
    public void succeeded(Attempt attempt) {
        accounts.success(attempt.account());
    }
}
