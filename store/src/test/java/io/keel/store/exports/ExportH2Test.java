package io.keel.store.exports;

import java.util.Map;

class ExportH2Test extends ExportContract {
    @Override
    protected StoreHarness openStore(Map<String, String> settings) {
        return StoreHarness.h2(settings);
    }
}
