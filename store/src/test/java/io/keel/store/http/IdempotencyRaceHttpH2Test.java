package io.keel.store.http;

class IdempotencyRaceHttpH2Test extends IdempotencyRaceHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
