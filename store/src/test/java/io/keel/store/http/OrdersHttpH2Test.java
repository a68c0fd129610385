package io.keel.store.http;

class OrdersHttpH2Test extends OrdersHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
