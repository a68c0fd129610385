package io.keel.store.accounts;

import io.keel.store.db.DataAccessException;
import io.keel.store.db.Database;
import io.keel.store.db.DatabaseTestBase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the account and session repositories promise on every supported database. */
abstract class AccountsContract extends DatabaseTestBase {
    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123456789Z");
    private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

    private AccountRepository accounts;
    private SessionRepository sessions;

    @BeforeAll
    void createRepositories() {
        accounts = new AccountRepository(db.dataSource());
        sessions = new SessionRepository(db.dataSource());
    }

    private Account newAccount(String email) {
        return accounts.create(email, "Ada", Role.CUSTOMER, HASH, NOW).orElseThrow();
    }

    @Test
    void aCreatedAccountIsFoundByIdAndByEmailInAnyCase() {
        Account created = newAccount("Ada.Lovelace@Example.com");

        assertThat(created.createdAt()).isEqualTo(Instant.parse("2025-03-01T10:15:30.123456Z"));
        assertThat(accounts.findById(created.id())).contains(created);
        assertThat(accounts.findByEmail("ada.lovelace@example.COM")).contains(created);
        assertThat(created.email()).isEqualTo("Ada.Lovelace@Example.com");
    }

    @Test
    void anEmailTakenInAnotherCaseIsRefused() {
        newAccount("grace@example.com");

        assertThat(accounts.create("GRACE@Example.com", "Other", Role.CUSTOMER, HASH, NOW)).isEmpty();
        assertThat(testDb.count("SELECT COUNT(*) FROM accounts WHERE email_lower = 'grace@example.com'"))
                .isEqualTo(1);
    }

    @Test
    void racingSignupsForOneEmailCreateExactlyOneAccount() throws Exception {
        int threads = 10;
        CountDownLatch start = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<Account>>> results = IntStream.range(0, threads)
                    .mapToObj(i -> executor.submit(() -> {
                        start.await();
                        String email = i % 2 == 0 ? "race@example.com" : "RACE@example.com";
                        return accounts.create(email, "Racer " + i, Role.CUSTOMER, HASH, NOW);
                    }))
                    .toList();
            start.countDown();
            long created = 0;
            for (Future<Optional<Account>> result : results) {
                created += result.get().isPresent() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        }
        assertThat(testDb.count("SELECT COUNT(*) FROM accounts WHERE email_lower = 'race@example.com'"))
                .isEqualTo(1);
    }

    @Test
    void theAdminRoleRoundTrips() {
        Account admin = accounts.create("boss@example.com", "Boss", Role.ADMIN, HASH, NOW).orElseThrow();

        assertThat(accounts.findById(admin.id()).map(Account::role)).contains(Role.ADMIN);
        assertThat(Role.ADMIN.jsonName()).isEqualTo("admin");
        assertThat(Role.ofJsonName("customer")).isEqualTo(Role.CUSTOMER);
    }

    @Test
    void unknownAccountsAreEmptyAndInvalidInputIsRejected() {
        assertThat(accounts.findByEmail("nobody@example.com")).isEmpty();
        assertThat(accounts.findById(Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> accounts.create(" ", "X", Role.CUSTOMER, HASH, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("email");
        assertThatThrownBy(() -> accounts.create("a@b.c", "x".repeat(201), Role.CUSTOMER, HASH, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name length was 201");
        assertThatThrownBy(() -> Role.ofJsonName("ADMIN")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSessionResolvesToItsAccountUntilItExpires() {
        Account owner = accounts.create("session-expiry@example.com", "Owner", Role.ADMIN, HASH, NOW).orElseThrow();
        Account other = newAccount("session-other@example.com");
        Instant expires = NOW.plus(Duration.ofHours(1));
        sessions.create(new Session("hash-expiry", owner.id(), expires, NOW));
        sessions.create(new Session("hash-other", other.id(), expires, NOW));

        assertThat(sessions.findAccount("hash-expiry", expires.minusNanos(1000))).contains(owner);
        assertThat(sessions.findAccount("hash-other", NOW)).contains(other);
        assertThat(sessions.findAccount("hash-expiry", expires)).isEmpty();
        assertThat(sessions.findAccount("unknown-hash", NOW)).isEmpty();
    }

    @Test
    void aDeletedSessionStopsWorkingAtOnce() {
        Account owner = newAccount("session-delete@example.com");
        sessions.create(new Session("hash-delete", owner.id(), NOW.plus(Duration.ofDays(1)), NOW));
        assertThat(sessions.findAccount("hash-delete", NOW)).contains(owner);

        assertThat(sessions.delete("hash-delete")).isTrue();
        assertThat(sessions.findAccount("hash-delete", NOW)).isEmpty();
        assertThat(sessions.delete("hash-delete")).isFalse();
    }

    @Test
    void aSessionDeletedByAnotherProcessStopsWorkingHereAtOnce() {
        Account owner = newAccount("session-elsewhere@example.com");
        sessions.create(new Session("hash-elsewhere", owner.id(), NOW.plus(Duration.ofDays(1)), NOW));
        assertThat(sessions.findAccount("hash-elsewhere", NOW)).contains(owner);

        // A second pool on the same database stands in for another worker or instance signing the user out.
        try (Database elsewhere = Database.open(testDb.settings(), new SimpleMeterRegistry())) {
            assertThat(new SessionRepository(elsewhere.dataSource()).delete("hash-elsewhere")).isTrue();
        }

        assertThat(sessions.findAccount("hash-elsewhere", NOW)).isEmpty();
    }

    @Test
    void deleteExpiredRemovesOnlyExpiredSessions() {
        Account owner = newAccount("session-cleanup@example.com");
        Instant later = NOW.plus(Duration.ofDays(30));
        sessions.create(new Session("hash-old", owner.id(), later.minusSeconds(1), NOW));
        sessions.create(new Session("hash-live", owner.id(), later.plusSeconds(60), NOW));

        assertThat(sessions.deleteExpired(later)).isGreaterThanOrEqualTo(1);
        assertThat(testDb.count("SELECT COUNT(*) FROM sessions WHERE token_hash = 'hash-old'")).isZero();
        assertThat(sessions.findAccount("hash-live", later)).contains(owner);
    }

    @Test
    void aSessionForAnUnknownAccountOrWithABlankHashIsRejected() {
        assertThatThrownBy(() -> sessions.create(new Session("hash-orphan", Long.MAX_VALUE, NOW, NOW)))
                .isInstanceOf(DataAccessException.class);
        assertThatThrownBy(() -> new Session(" ", 1, NOW, NOW)).isInstanceOf(IllegalArgumentException.class);
    }
}
