package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.CacheStatus;
import dev.switchboard.chat.RouteInfo;
import dev.switchboard.chat.RoutePath;
import dev.switchboard.chat.StreamEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.test.StepVerifier;

class RoutingHeadersTest {

    private static final RouteInfo FIRST = new RouteInfo("alpha", "alpha#1", "alpha-1", RoutePath.DEFAULT);
    private static final RouteInfo SECOND = new RouteInfo("beta", "beta#2", "beta-1", RoutePath.DEFAULT);

    @Test
    void aStreamGetsTheHeadersOfTheRouteItCommittedToOnceBeforeItsResponseCommits() {
        MockServerHttpResponse response = new MockServerHttpResponse();
        RoutingHeaders.ForStream route = RoutingHeaders.forStream(response);

        route.committed(new StreamEvent.Committed(FIRST, List.of(), false));
        route.committed(new StreamEvent.Committed(SECOND, List.of(), false));

        assertThat(response.getHeaders().getFirst("x-switchboard-provider")).isEqualTo("alpha");
        assertThat(response.getHeaders().getFirst("x-switchboard-key")).isEqualTo("alpha#1");
        assertThat(response.getHeaders().getFirst("x-switchboard-model")).isEqualTo("alpha-1");
        assertThat(response.getHeaders().getFirst("x-switchboard-attempts")).isEqualTo("1");
        assertThat(response.getHeaders().getFirst(RoutingHeaders.CACHE)).isNull();
    }

    @Test
    void aCachedStreamSaysSoAndCountsNoAttempt() {
        MockServerHttpResponse response = new MockServerHttpResponse();

        RoutingHeaders.forStream(response).committed(new StreamEvent.Committed(FIRST, List.of(), false, CacheStatus.HIT));

        assertThat(response.getHeaders().getFirst(RoutingHeaders.CACHE)).isEqualTo("hit");
        assertThat(response.getHeaders().getFirst("x-switchboard-attempts")).isEqualTo("0");
    }

    @Test
    void aResponseCommittedAlreadyIsLeftAlone() {
        MockServerHttpResponse response = new MockServerHttpResponse();
        RoutingHeaders.ForStream route = RoutingHeaders.forStream(response);
        StepVerifier.create(response.setComplete()).verifyComplete();

        route.committed(new StreamEvent.Committed(FIRST, List.of(), false));

        assertThat(response.isCommitted()).isTrue();
        assertThat(response.getHeaders().getFirst("x-switchboard-provider")).isNull();
    }
}
