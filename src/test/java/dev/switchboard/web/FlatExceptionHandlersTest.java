package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class FlatExceptionHandlersTest {

    private final List<String> seen = new ArrayList<>();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/chat"));

    /** Records the error it sees, then passes it on (as a handler does for errors it does not know). */
    private WebExceptionHandler passingOn(String name) {
        return (ex, error) -> {
            seen.add(name + ":" + error.getMessage());
            return Mono.error(error);
        };
    }

    @Test
    void triesTheHandlersInOrderUntilOneAnswers() {
        WebExceptionHandler answers = (ex, error) -> {
            seen.add("answers:" + error.getMessage());
            ex.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
            return ex.getResponse().setComplete();
        };
        WebExceptionHandler handlers = new FlatExceptionHandlers(List.of(passingOn("a"), answers, passingOn("c")));

        StepVerifier.create(handlers.handle(exchange, new IllegalStateException("boom")))
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        assertThat(seen).containsExactly("a:boom", "answers:boom");
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void eachHandlerSeesTheErrorThePreviousOneLeftAndTheLastErrorIsRecorded() {
        WebExceptionHandler replaces = (ex, error) -> {
            seen.add("replaces:" + error.getMessage());
            return Mono.error(new IllegalArgumentException("replaced"));
        };
        WebExceptionHandler handlers = new FlatExceptionHandlers(List.of(passingOn("a"), replaces, passingOn("c")));

        StepVerifier.create(handlers.handle(exchange, new IllegalStateException("boom")))
                .expectErrorMessage("replaced")
                .verify(Duration.ofSeconds(5));

        assertThat(seen).containsExactly("a:boom", "replaces:boom", "c:replaced");
        assertThat(exchange.<Throwable>getAttribute(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION))
                .hasMessage("replaced");
    }

    @Test
    void withNoHandlersTheErrorGoesOnUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");

        StepVerifier.create(new FlatExceptionHandlers(List.of()).handle(exchange, boom))
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(boom))
                .verify(Duration.ofSeconds(5));
    }
}
