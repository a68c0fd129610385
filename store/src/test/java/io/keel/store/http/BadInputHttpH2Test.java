package io.keel.store.http;

class BadInputHttpH2Test extends BadInputHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
