package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class FlatFilterChainTest {

    private final List<String> ran = new ArrayList<>();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models"));
    private final WebFilterChain handler = ex -> Mono.fromRunnable(() -> ran.add("handler"));

    private WebFilter named(String name) {
        return (ex, chain) -> {
            ran.add(name);
            return chain.filter(ex);
        };
    }

    @Test
    void runsTheFiltersInTheirOrderAndThenTheHandler() {
        WebFilter chain = new FlatFilterChain(List.of(named("a"), named("b"), named("c")));

        StepVerifier.create(chain.filter(exchange, handler)).verifyComplete();

        assertThat(ran).containsExactly("a", "b", "c", "handler");
    }

    @Test
    void aFilterThatAnswersItselfStopsTheChain() {
        WebFilter answers = (ex, chain) -> {
            ex.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
            return ex.getResponse().setComplete();
        };
        WebFilter chain = new FlatFilterChain(List.of(named("a"), answers, named("c")));

        StepVerifier.create(chain.filter(exchange, handler)).verifyComplete();

        assertThat(ran).containsExactly("a");
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void aFilterThatThrowsFailsTheRequestAndTheEarlierFiltersSeeTheError() {
        List<Throwable> seen = new ArrayList<>();
        WebFilter observes = (ex, chain) -> chain.filter(ex).doOnError(seen::add);
        WebFilter throwing = (ex, chain) -> {
            throw new IllegalStateException("broken filter");
        };
        WebFilter chain = new FlatFilterChain(List.of(observes, throwing, named("c")));

        StepVerifier.create(chain.filter(exchange, handler))
                .expectErrorMessage("broken filter")
                .verify(Duration.ofSeconds(5));

        assertThat(seen).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(ran).isEmpty();
    }

    @Test
    void noFiltersIsTheHandlerAlone() {
        StepVerifier.create(new FlatFilterChain(List.of()).filter(exchange, handler)).verifyComplete();

        assertThat(ran).containsExactly("handler");
    }

    @Test
    void eachFilterSeesTheExchangeThePreviousOnePassedOn() {
        WebFilter mutates = (ex, chain) -> chain.filter(ex.mutate().request(r -> r.header("x-step", "1")).build());
        List<String> headers = new ArrayList<>();
        WebFilter reads = (ex, chain) -> {
            headers.add(ex.getRequest().getHeaders().getFirst("x-step"));
            return chain.filter(ex);
        };
        WebFilterChain end = (ServerWebExchange ex) -> Mono.empty();

        StepVerifier.create(new FlatFilterChain(List.of(mutates, reads)).filter(exchange, end)).verifyComplete();

        assertThat(headers).containsExactly("1");
    }
}
