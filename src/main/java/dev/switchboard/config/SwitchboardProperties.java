package dev.switchboard.config;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Everything under {@code switchboard.*}; validated at startup by {@link PropertiesValidator}. */
@ConfigurationProperties("switchboard")
public record SwitchboardProperties(
        @DefaultValue RoutingProperties routing,
        @DefaultValue KeyHealthProperties keys,
        @DefaultValue ResilienceProperties resilience,
        @DefaultValue UsageProperties usage,
        @DefaultValue Map<String, ProviderProperties> providers,
        @DefaultValue SimulatorProperties simulator,
        @DefaultValue DatabaseProperties database) {
}
