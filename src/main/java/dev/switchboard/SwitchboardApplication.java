package dev.switchboard;

import dev.switchboard.providers.simulator.SimulatorMain;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Switchboard: a reactive LLM gateway.
 *
 * <p>{@code --switchboard.simulator.standalone} starts only the provider simulator (no gateway, no
 * database), which is what the benchmarks use as a fast upstream.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SwitchboardApplication {

    public static void main(String[] args) {
        if (SimulatorMain.isStandalone(args)) {
            SimulatorMain.main(args);
            return;
        }
        SpringApplication.run(SwitchboardApplication.class, args);
    }
}
