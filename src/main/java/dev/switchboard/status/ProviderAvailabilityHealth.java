package dev.switchboard.status;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;
/**
 * Actuator health of the providers: UP while at least one enabled provider has a usable key and a
 * closed (or half-open) circuit, DOWN when none has; the details list each provider's status and
 * whether an alert is firing.
 */
public final class ProviderAvailabilityHealth implements ReactiveHealthIndicator {

    private final KeyPoolReport pools;
    private final AlertMonitor alerts;

    public ProviderAvailabilityHealth(KeyPoolReport pools, AlertMonitor alerts) {
        this.pools = pools;
        this.alerts = alerts;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(() -> {
            Map<String, Object> details = new LinkedHashMap<>();
            boolean anyUsable = false;
            for (ProviderPoolView view : pools.pools()) {
                details.put(view.provider(), view.status() + " (" + view.usableKeys() + "/" + view.totalKeys()
                        + " keys, circuit " + view.circuit() + ")");
                anyUsable |= !view.status().equals("down") && view.usableKeys() > 0;
            }
            details.put("alerts_firing", alerts.degraded());
            return (anyUsable ? Health.up() : Health.down()).withDetails(details).build();
        });
    }
}
