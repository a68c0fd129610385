package io.keel.bench.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProcSocketsTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
            + "  timeout inode";

    @Test
    void onlyTheProcessesOwnSocketsCountEstablishedOnItsHttpPortAndCloseWaitOnAny() {
        List<String> lines = List.of(HEADER,
                // listening on 8080 (0x1F90): neither
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 11 1",
                // two accepted connections on 8080, one in CLOSE_WAIT
                "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 12 1",
                "   2: 0100007F:1F90 0100007F:C351 08 00000000:00000000 00:00000000 00000000  1000        0 13 1",
                // the client's end of a connection to 8080: another process's socket
                "   3: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 99 1",
                // another process's socket in CLOSE_WAIT, and another process's established socket on 8080 (another
                // network namespace's server, or a second server with SO_REUSEPORT): not this process's
                "   6: 0100007F:E000 0100007F:1538 08 00000000:00000000 00:00000000 00000000  1000        0 98 1",
                "   7: 0100007F:1F90 0100007F:C353 01 00000000:00000000 00:00000000 00000000  1000        0 97 1",
                // a DB connection this process holds (port 5432 remote), established and one in CLOSE_WAIT
                "   4: 0100007F:D000 0100007F:1538 01 00000000:00000000 00:00000000 00000000  1000        0 14 1",
                "   5: 0100007F:D001 0100007F:1538 08 00000000:00000000 00:00000000 00000000  1000        0 15 1",
                // an IPv6 accepted connection on 8080
                "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:C352 01 00000000:00000000"
                        + " 00:00000000 00000000  1000        0 16 1");

        ProcSockets.Counts c = ProcSockets.count(40, Set.of(11L, 12L, 13L, 14L, 15L, 16L), lines, 8080);

        assertThat(c.openFiles()).isEqualTo(40);
        assertThat(c.httpEstablished()).as("inodes 12 and 16").isEqualTo(2);
        assertThat(c.closeWait()).as("inodes 13 and 15").isEqualTo(2);
    }

    @Test
    void aDescriptorIsASocketOnlyWhenItLinksToASocketInode() {
        assertThat(ProcSockets.socketInode("socket:[123456]")).hasValue(123456);
        assertThat(ProcSockets.socketInode("/tmp/x.db")).isEmpty();
        assertThat(ProcSockets.socketInode("anon_inode:[eventpoll]")).isEmpty();
    }

    @Test
    void anAcceptedConnectionIsEstablishedUntilItsClientClosesThenCloseWaitUntilTheServerDoes() throws IOException {
        long pid = ProcessHandle.current().pid();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            ProcSockets.Counts before = ProcSockets.read(pid, port);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket accepted = server.accept()) {
                ProcSockets.Counts open = ProcSockets.read(pid, port);
                assertThat(open.httpEstablished()).as("the accepted end only; the client's is on another port")
                        .isEqualTo(1);
                assertThat(open.openFiles()).as("both ends are descriptors of this process")
                        .isGreaterThanOrEqualTo(before.openFiles() + 2);

                client.close();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    ProcSockets.Counts half = ProcSockets.read(pid, port);
                    assertThat(half.closeWait()).isEqualTo(before.closeWait() + 1);
                    assertThat(half.httpEstablished()).isZero();
                });
                assertThat(accepted.isClosed()).isFalse();
            }
            assertThat(ProcSockets.read(pid, port).closeWait()).as("closed by the server too")
                    .isEqualTo(before.closeWait());
        }
    }

    @Test
    void aProcessThatIsGoneReadsAsUnknown() {
        ProcSockets.Counts c = ProcSockets.read(Long.MAX_VALUE, 80);

        assertThat(c.openFiles()).isNaN();
        assertThat(c.closeWait()).isNaN();
    }
}
