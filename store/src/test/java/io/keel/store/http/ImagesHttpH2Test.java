package io.keel.store.http;

class ImagesHttpH2Test extends ImagesHttpContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
