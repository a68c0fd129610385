package io.keel.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaproxyTest {
    @Test
    void theConfigurationBalancesEveryInstanceAndChecksItsReadiness() {
        String cfg = Haproxy.config(List.of(URI.create("http://127.0.0.1:4001"), URI.create("http://127.0.0.1:4002")),
                5000, 5001);

        assertThat(cfg).contains("bind 127.0.0.1:5000", "bind 127.0.0.1:5001", "balance leastconn",
                "http-check send meth GET uri /health/ready", "server store1 127.0.0.1:4001 check",
                "server store2 127.0.0.1:4002 check");
    }

    @Test
    void anInstanceOffLoopbackIsRefused() {
        assertThatThrownBy(() -> Haproxy.config(List.of(URI.create("http://10.0.0.1:4001")), 5000, 5001))
                .isInstanceOf(BenchException.class).hasMessageContaining("10.0.0.1");
    }

    @Test
    void serversAreCountedUpOnlyWhenHaproxySeesThemUpAndTheirRequestsAreRead() {
        String csv = """
                # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,
                keel,FRONTEND,,,0,1,5000,1,0,0,0,0,0,,,,,OPEN,
                keel_store,store1,0,0,0,1,1000,1,0,0,,0,,0,0,0,0,UP,
                keel_store,store2,0,0,0,0,1000,0,0,0,,0,,0,0,0,0,DOWN,
                keel_store,store3,0,0,0,0,1000,0,0,0,,0,,0,0,0,0,UP 1/2,
                keel_store,BACKEND,0,0,0,1,500,1,0,0,0,0,,0,0,0,0,UP,
                """;

        assertThat(Haproxy.upServers(csv)).as("store2 is down, store3 is still being checked").isEqualTo(1);
        assertThat(Haproxy.served(csv)).as("sessions where there is no request count").containsExactly(1L, 0L, 0L);

        // HAProxy 2.x: column 49 (req_tot) counts requests; many go over one kept-alive session.
        String[] row = new String[60];
        Arrays.fill(row, "");
        row[0] = "keel_store";
        row[1] = "store1";
        row[7] = "3";
        row[17] = "UP";
        row[48] = "1200";
        assertThat(Haproxy.served(String.join(",", row))).containsExactly(1200L);
    }
}
