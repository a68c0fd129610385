package io.keel.store.http;

class CatalogHttpH2Test extends CatalogHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
