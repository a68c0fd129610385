package io.keel.store.http;

class AccountsHttpH2Test extends AccountsHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
