package io.camelpipelines.infra;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortsTest {

    @Test
    void aTakenPortNamesThePortAndThePropertyToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Ports.claim("127.0.0.1", port, "kafka.embedded.port"))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("kafka.embedded.port");
        }
    }

    @Test
    void zeroPicksAFreePort() {
        int port = Ports.claim("127.0.0.1", 0, "x");
        assertThat(port).isPositive();
        assertThat(Ports.claim("127.0.0.1", port, "x")).isEqualTo(port);
    }

    @Test
    void noPortIsHandedOutTwice() {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            assertThat(ports.add(Ports.free("127.0.0.1"))).as("port handed out again").isTrue();
        }
    }
}
