package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testsupport.ExtraGateway;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo profile (what {@code ./mvnw spring-boot:run} starts, with {@code /admin} open) listens on the
 * loopback address only, unless {@code server.address} is set on purpose. It runs on the tests' database:
 * the JVM's one embedded PostgreSQL starts with the data directory of whichever context comes first, and
 * every later context shares it, so that directory must be the clean test one.
 */
class DemoBindIT {

    private static final String DATABASE = "--switchboard.database.embedded-data-dir=target/test-postgres";
    private static final String CLEAN = "--switchboard.database.embedded-clean=true";

    @Test
    void theDemoListensOnLoopbackOnly() throws IOException {
        try (ConfigurableApplicationContext demo = ExtraGateway.start("demo",
                DATABASE, CLEAN, "--switchboard.keys.check-on-startup=false",
                "--switchboard.jobs.concurrency=0")) {
            int port = port(demo);
            assertThat(demo.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                assertThat(loopback.isConnected()).isTrue();
            }
            Optional<InetAddress> external = externalAddress();
            assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
            assertThatThrownBy(() -> {
                try (Socket outside = new Socket()) {
                    outside.connect(new InetSocketAddress(external.get(), port), 2_000);
                }
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void anExplicitServerAddressWins() {
        try (ConfigurableApplicationContext demo = ExtraGateway.start("demo",
                DATABASE, CLEAN, "--switchboard.keys.check-on-startup=false",
                "--switchboard.jobs.concurrency=0",
                "--server.address=0.0.0.0")) {
            assertThat(demo.getEnvironment().getProperty("server.address")).isEqualTo("0.0.0.0");
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static Optional<InetAddress> externalAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
