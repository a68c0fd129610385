package io.keel.bench.scenario;

import io.keel.bench.load.ErrorKind;
import io.keel.bench.load.RequestClass;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerTest {
    private static final RequestClass ORDERS = RequestClass.of("order-create");
    private static final RequestClass LIGHT = RequestClass.of("light-order");

    @Test
    void keepsTheIdOfEveryAcknowledgedOrderAndOnlyOfThose() {
        Ledger ledger = new Ledger(ORDERS, 100);
        ledger.answered(ORDERS, 1, 2, 201, "{\"id\":\"42\",\"status\":\"PLACED\"}");
        ledger.answered(ORDERS, 1, 2, 201, "{\"id\":43}");
        ledger.answered(ORDERS, 1, 2, 201, "not json");
        ledger.answered(ORDERS, 1, 2, 503, "{\"id\":\"44\"}");
        ledger.answered(LIGHT, 1, 2, 201, "{\"id\":\"45\"}");
        ledger.answered(LIGHT, 1, 2, 200, "{\"id\":\"46\"}");

        assertThat(ledger.acknowledged()).containsExactly("42", "43");
        assertThat(ledger.unreadable()).as("a 201 without an id breaks the contract").isEqualTo(1);
        assertThat(ledger.failures()).extracting(Ledger.Failure::kind).containsExactly("status-5xx");
        assertThat(ledger.samples()).as("why it failed").containsExactly("order-create 503: {\"id\":\"44\"}");
    }

    @Test
    void splitsFailuresByWhetherTheyWereSentBeforeTheEventInFlightAtItOrAfter() {
        long event = 1_000;
        List<Ledger.Failure> failures = List.of(
                new Ledger.Failure("order-create", 100, 900, "io-error"),
                new Ledger.Failure("order-create", 900, 1_000, "io-error"),
                new Ledger.Failure("order-create", 950, 1_500, "io-error"),
                new Ledger.Failure("order-create", 1_000, 1_200, "connect-error"),
                new Ledger.Failure("light-order", 1_100, 1_300, "io-error"),
                // sent before, but not ended as a request on the killed process: a 503 of the survivor, a timeout,
                // a broken connection two seconds later
                new Ledger.Failure("light-order", 960, 1_100, "status-5xx"),
                new Ledger.Failure("light-order", 970, 1_100, "timeout"),
                new Ledger.Failure("light-order", 980, event + 2_000_000_000L, "io-error"));

        var split = Ledger.split(failures, event);

        assertThat(split.get("order-create")).isEqualTo(new Ledger.Split(1, 2, 1));
        assertThat(split.get("light-order")).isEqualTo(new Ledger.Split(0, 0, 4));
        assertThat(split.get("order-create").total()).isEqualTo(4);
    }

    @Test
    void countsFailuresBeyondItsBoundWithoutKeepingThem() {
        Ledger ledger = new Ledger(ORDERS, 2);
        for (int i = 0; i < 5; i++) {
            ledger.failed(LIGHT, i, i + 1, ErrorKind.CONNECT);
        }
        assertThat(ledger.failures()).hasSize(2);
        assertThat(ledger.dropped()).isEqualTo(3);
        ledger.failed(LIGHT, 9, 10, ErrorKind.IO);
        ledger.answered(LIGHT, 9, 10, 503, "{\"detail\":\"first\"}");
        ledger.answered(LIGHT, 9, 10, 503, "{\"detail\":\"second\"}");
        assertThat(ledger.samples()).as("one per class and kind, the first body")
                .containsExactly("light-order 503: {\"detail\":\"first\"}", "light-order connect-error",
                        "light-order io-error");
    }
}
