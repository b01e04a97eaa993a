package dev.switchboard.simulator;

import dev.switchboard.config.SwitchboardProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Starts the built-in simulator with the gateway unless {@code switchboard.simulator.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "switchboard.simulator.enabled", matchIfMissing = true)
public class SimulatorConfiguration {

    @Bean(destroyMethod = "close")
    SimulatorServer simulatorServer(SwitchboardProperties properties, JsonMapper json, Clock clock) {
        return SimulatorServer.start(properties.simulator(), json, clock);
    }
}
