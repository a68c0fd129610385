package io.keel.store.exports;

import java.util.List;
import java.util.Map;

class ExportSmallHeapH2Test extends ExportSmallHeapContract {
    @Override
    protected StoreHarness openStore(Map<String, String> settings) {
        return StoreHarness.h2(settings);
    }

    @Override
    protected List<String> databaseFlags(StoreHarness store) {
        return List.of(); // embedded H2 under the same data dir
    }
}
