package io.keel.store.exports;

import io.keel.store.http.StoreUnderTest;

import java.util.Map;

class ExportH2Test extends ExportContract {
    @Override
    protected StoreUnderTest openStore(Map<String, String> settings) {
        return StoreUnderTest.h2(settings);
    }
}
