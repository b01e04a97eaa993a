package dev.switchboard.observability.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.keys.KeyStateChange;
import dev.switchboard.keys.KeyStatus;
import dev.switchboard.routing.PaceView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.awaitility.Awaitility.await;

class LiveFeedTest {

    private final Sinks.Many<KeyStateChange> keyChanges = Sinks.many().multicast().directBestEffort();
    private final LiveFeed feed = new LiveFeed(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            Duration.ofSeconds(10), Duration.ofHours(1), () -> 3, 4, null).follow(keyChanges.asFlux());

    @AfterEach
    void close() {
        feed.close();
    }

    private static KeyStateChange rateLimited(String alias) {
        return new KeyStateChange("sim-alpha", alias, "fp-secret-hash", KeyStatus.RATE_LIMITED, "429 slow down",
                Instant.parse("2026-01-01T00:00:30Z").toEpochMilli(), 0, Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void aListenerGetsASnapshotAtOnceThenKeyChangesByAlias() {
        StepVerifier.create(feed.listen())
                .assertNext(event -> {
                    assertThat(event).isInstanceOf(LiveEvent.Snapshot.class);
                    LiveEvent.Snapshot snapshot = (LiveEvent.Snapshot) event;
                    assertThat(snapshot.inFlight()).isEqualTo(3);
                    assertThat(snapshot.windowSeconds()).isEqualTo(10);
                    assertThat(snapshot.listeners()).isEqualTo(1);
                })
                .then(() -> keyChanges.tryEmitNext(rateLimited("sim-alpha#3")))
                .assertNext(event -> {
                    assertThat(event.type()).isEqualTo("key");
                    LiveEvent.KeyChanged change = (LiveEvent.KeyChanged) event;
                    assertThat(change.key()).isEqualTo("sim-alpha#3");
                    assertThat(change.status()).isEqualTo("rate_limited");
                    assertThat(change.until()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
                    assertThat(change.toString()).doesNotContain("fp-secret-hash");
                })
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aSlowListenerLosesItsOldestEventsWithoutHoldingUpTheOthers() {
        List<LiveEvent> slowSeen = new CopyOnWriteArrayList<>();
        BaseSubscriber<LiveEvent> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(LiveEvent value) {
                slowSeen.add(value);
            }
        };
        List<LiveEvent> fastSeen = new CopyOnWriteArrayList<>();
        feed.listen().subscribe(slow);
        feed.listen().subscribe(fastSeen::add);

        // In batches the fast listener keeps up with; the slow one never asks for more.
        for (int batch = 0; batch < 20; batch++) {
            for (int i = batch * 10; i < batch * 10 + 10; i++) {
                keyChanges.tryEmitNext(rateLimited("sim-alpha#" + i));
            }
            int expected = batch * 10 + 10;
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> fastSeen.stream().filter(e -> e.type().equals("key")).count() == expected);
        }

        assertThat(feed.snapshot().droppedEvents()).isGreaterThan(0);
        slow.request(1000);
        await().atMost(Duration.ofSeconds(5)).until(() -> slowSeen.stream().anyMatch(e -> e.type().equals("key")));
        assertThat(slowSeen.stream().filter(e -> e.type().equals("key")).count()).isLessThan(200);
        assertThat(slowSeen).filteredOn(e -> e.type().equals("key")).last()
                .satisfies(e -> assertThat(((LiveEvent.KeyChanged) e).key()).isEqualTo("sim-alpha#199"));
        slow.dispose();
    }

    @Test
    void listenersAreCountedWhileTheyListen() {
        var first = feed.listen().subscribe();
        var second = feed.listen().subscribe();
        assertThat(feed.snapshot().listeners()).isEqualTo(2);

        first.dispose();
        second.dispose();

        assertThat(feed.snapshot().listeners()).isZero();
    }

    @Test
    void snapshotsCarryEachProvidersRunningFiguresOnceShown() {
        assertThat(feed.snapshot().providers()).isNull();
        PaceView alpha = new PaceView(120.5, 0.01, 2, 40, 361.5, 4000, 3000);
        feed.showing(() -> Map.of("sim-alpha", alpha));

        assertThat(feed.snapshot().providers()).containsEntry("sim-alpha", alpha);
    }
}
