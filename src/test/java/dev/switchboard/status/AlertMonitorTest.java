package dev.switchboard.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.ChatCommand;
import dev.switchboard.chat.ChatMessage;
import dev.switchboard.chat.Surface;
import dev.switchboard.config.RoutingProperties;
import dev.switchboard.config.RoutingProperties.KeyStrategy;
import dev.switchboard.config.UsageProperties.Alerts;
import dev.switchboard.providers.ProviderClients;
import dev.switchboard.providers.ProviderRegistry;
import dev.switchboard.routing.RequestRun;
import dev.switchboard.support.SchedulerClock;
import dev.switchboard.testsupport.ScriptedClient;
import dev.switchboard.testsupport.TestProviders;
import dev.switchboard.testsupport.TestRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

class AlertMonitorTest {

    private VirtualTimeScheduler time;
    private AlertMonitor monitor;
    private TestRouting routing;

    @BeforeEach
    void setUp() {
        time = VirtualTimeScheduler.getOrSet();
        monitor = new AlertMonitor(new Alerts(Duration.ofMinutes(5), 0.10, 0.05, Duration.ofSeconds(30)),
                SchedulerClock.utc());
        routing = new TestRouting(new ProviderRegistry(List.of(TestProviders.provider("p", 1))),
                new ProviderClients((p, k) -> ScriptedClient.streaming(Flux::empty)),
                new RoutingProperties(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5),
                        Duration.ofSeconds(1), Duration.ofMinutes(1), 10, KeyStrategy.ROUND_ROBIN));
    }

    @AfterEach
    void tearDown() {
        VirtualTimeScheduler.reset();
    }

    private RequestRun run(RequestRun.Outcome outcome, long latencyMs) {
        RequestRun run = routing.router.begin(
                ChatCommand.builder("r", Surface.SYNC, List.of(new ChatMessage("user", "x"))).build());
        time.advanceTimeBy(Duration.ofMillis(latencyMs));
        run.end(outcome, time.now(TimeUnit.MILLISECONDS));
        return run;
    }

    @Test
    void aFailureRateAboveTheThresholdFiresAndClearsOnceTheWindowHasPassed() {
        for (int i = 0; i < 30; i++) {
            monitor.ended(run(i % 2 == 0 ? RequestRun.Outcome.FAILED : RequestRun.Outcome.SUCCESS, 10));
        }

        assertThat(monitor.evaluate()).filteredOn(AlertMonitor.Alert::firing).extracting(AlertMonitor.Alert::name)
                .containsExactly("failure_rate");
        assertThat(monitor.degraded()).isTrue();

        time.advanceTimeBy(Duration.ofMinutes(6));
        assertThat(monitor.evaluate()).noneMatch(AlertMonitor.Alert::firing);
        assertThat(monitor.degraded()).isFalse();
    }

    @Test
    void slowAnswersFireTheResponseTimeAlert() {
        List<RequestRun> concurrent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            concurrent.add(routing.router.begin(
                    ChatCommand.builder("r" + i, Surface.SYNC, List.of(new ChatMessage("user", "x"))).build()));
        }
        time.advanceTimeBy(Duration.ofSeconds(40));
        for (RequestRun run : concurrent) {
            run.end(RequestRun.Outcome.SUCCESS, time.now(TimeUnit.MILLISECONDS));
            monitor.ended(run);
        }

        assertThat(monitor.evaluate()).filteredOn(AlertMonitor.Alert::firing).extracting(AlertMonitor.Alert::name)
                .containsExactly("response_time_ms");
    }

    @Test
    void tooFewRequestsNeverFire() {
        for (int i = 0; i < 10; i++) {
            monitor.ended(run(RequestRun.Outcome.FAILED, 10));
        }

        assertThat(monitor.evaluate()).noneMatch(AlertMonitor.Alert::firing);
    }
}
