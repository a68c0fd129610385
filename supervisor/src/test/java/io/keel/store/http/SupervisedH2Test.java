package io.keel.store.http;

class SupervisedH2Test extends SupervisedStoreContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }

    @Override
    protected int workers() {
        return 1;
    }
}
