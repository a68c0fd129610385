package io.keel.store.http;

class KillDurabilityH2Test extends KillDurabilityContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
