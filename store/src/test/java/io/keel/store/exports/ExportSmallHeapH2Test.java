package io.keel.store.exports;

import io.keel.store.http.StoreUnderTest;

import java.util.List;
import java.util.Map;

class ExportSmallHeapH2Test extends ExportSmallHeapContract {
    @Override
    protected StoreUnderTest openStore(Map<String, String> settings) {
        return StoreUnderTest.h2(settings);
    }

    @Override
    protected List<String> databaseFlags(StoreUnderTest store) {
        return List.of(); // embedded H2 under the same data dir
    }
}
