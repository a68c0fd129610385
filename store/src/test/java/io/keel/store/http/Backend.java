package io.keel.store.http;

/** The databases the HTTP contracts run against: H2 always, PostgreSQL when {@code KEEL_TEST_PG_URL} is set. */
public enum Backend {
    H2,
    POSTGRES
}
