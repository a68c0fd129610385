package io.keel.store.exports;

import java.util.Map;

class ExportBackpressureH2Test extends ExportBackpressureContract {
    @Override
    protected StoreHarness openStore(Map<String, String> settings) {
        return StoreHarness.h2(settings);
    }
}
