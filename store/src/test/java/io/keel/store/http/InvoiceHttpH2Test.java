package io.keel.store.http;

class InvoiceHttpH2Test extends InvoiceHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
