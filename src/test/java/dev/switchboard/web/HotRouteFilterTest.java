package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class HotRouteFilterTest {

    private final List<String> passedOn = new ArrayList<>();
    private final WebFilterChain rest = exchange -> Mono.fromRunnable(
            () -> passedOn.add(exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath()));
    private final HotRouteFilter filter = new HotRouteFilter(List.of(HotRoute.post("/v1/chat/completions",
            request -> request.bodyToMono(String.class).flatMap(body -> ServerResponse.status(HttpStatus.ACCEPTED)
                    .bodyValue("echo " + body)))), ServerCodecConfigurer.create());

    @Test
    void answersItsRouteWithTheHandlerAndSetsWhatTheRouterWould() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.post("/v1/chat/completions").body("{}"));

        StepVerifier.create(filter.filter(exchange, rest)).verifyComplete();

        assertThat(passedOn).isEmpty();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5))).isEqualTo("echo {}");
        assertThat(exchange.<PathPattern>getAttribute(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE).getPatternString())
                .isEqualTo("/v1/chat/completions");
        assertThat(exchange.<Object>getAttribute(RouterFunctions.REQUEST_ATTRIBUTE)).isNotNull();
    }

    @Test
    void passesOtherMethodsAndPathsOnToTheDispatcher() {
        for (MockServerHttpRequest request : List.of(MockServerHttpRequest.get("/v1/chat/completions").build(),
                MockServerHttpRequest.post("/v1/chat/completions/").body("{}"),
                MockServerHttpRequest.post("/v1/models").body("{}"))) {
            StepVerifier.create(filter.filter(MockServerWebExchange.from(request), rest)).verifyComplete();
        }

        assertThat(passedOn).containsExactly("GET /v1/chat/completions", "POST /v1/chat/completions/",
                "POST /v1/models");
    }

    @Test
    void aHandlerErrorReachesTheErrorHandler() {
        HotRouteFilter failing = new HotRouteFilter(List.of(HotRoute.post("/api/chat",
                request -> Mono.error(new IllegalArgumentException("bad body")))), ServerCodecConfigurer.create());

        StepVerifier.create(failing.filter(MockServerWebExchange.from(
                        MockServerHttpRequest.post("/api/chat").body("x")), rest))
                .expectErrorMessage("bad body")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aHotRouteIsAnExactPath() {
        assertThatThrownBy(() -> HotRoute.post("/api/chat/stream/{id}", request -> ServerResponse.ok().build()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
