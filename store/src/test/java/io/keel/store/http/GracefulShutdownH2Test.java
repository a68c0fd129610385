package io.keel.store.http;

class GracefulShutdownH2Test extends GracefulShutdownContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
