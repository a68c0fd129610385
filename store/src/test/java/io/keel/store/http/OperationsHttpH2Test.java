package io.keel.store.http;

class OperationsHttpH2Test extends OperationsHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
