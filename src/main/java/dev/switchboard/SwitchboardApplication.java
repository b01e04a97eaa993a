package dev.switchboard;

import dev.switchboard.security.ClientKeyCommandLine;
import dev.switchboard.simulator.SimulatorMain;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
/**
 * Switchboard: a reactive LLM gateway.
 *
 * <p>{@code --switchboard.simulator.standalone} starts only the provider simulator (no gateway, no
 * database), which is what the benchmarks use as a fast upstream. {@code --switchboard.security.create-client=NAME}
 * creates a client key, prints it once and exits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SwitchboardApplication {

    public static void main(String[] args) throws Exception {
        EventLoopThreads.defaultToOnePerCore();
        SendPrefetch.defaultToOne();
        if (SimulatorMain.isStandalone(args)) {
            SimulatorMain.main(args);
            return;
        }
        if (ClientKeyCommandLine.requested(args)) {
            System.exit(ClientKeyCommandLine.run(SwitchboardApplication.class, args, System.out));
        }
        SpringApplication.run(SwitchboardApplication.class, args);
    }
}
