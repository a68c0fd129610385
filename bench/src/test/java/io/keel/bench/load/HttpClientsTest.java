package io.keel.bench.load;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HttpClientsTest {
    @Test
    void aBurstLeavesAtMostThePoolBoundOfIdleConnectionsOpen() throws Exception {
        int burst = HttpClients.DEFAULT_POOL_SIZE + 36;
        CountDownLatch all = new CountDownLatch(burst);
        try (ScriptedServer server = new ScriptedServer((req, out) -> {
            all.countDown();
            all.await(20, TimeUnit.SECONDS); // every request in flight at once: one connection each
            return ScriptedServer.answer(out, "200 OK", "Content-Length: 0\r\n", "");
        })) {
            HttpClient client = HttpClients.newClient(Duration.ofSeconds(5));
            assertThat(HttpClients.POOL_SIZE).isEqualTo(HttpClients.DEFAULT_POOL_SIZE);
            assertThat(System.getProperty(HttpClients.POOL_SIZE_PROPERTY))
                    .isEqualTo(Integer.toString(HttpClients.DEFAULT_POOL_SIZE));
            HttpRequest get = HttpRequest.newBuilder(server.uri("/x")).timeout(Duration.ofSeconds(30)).build();
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        statuses.add(client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode());
                    } catch (Exception e) {
                        statuses.add(-1);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(statuses).hasSize(burst).containsOnly(200);
            assertThat(server.accepted.get()).isEqualTo(burst);
            // The JDK closes what comes back beyond the bound; unbounded, all of them would stay open.
            server.awaitClosed(burst - HttpClients.DEFAULT_POOL_SIZE);
            Thread.sleep(200);
            assertThat(server.closed.get()).isEqualTo(burst - HttpClients.DEFAULT_POOL_SIZE);
        }
    }
}
