package dev.switchboard.api.anthropic;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.api.ErrorAnswers;
import dev.switchboard.web.HotRoute;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The Anthropic-compatible endpoint, {@code POST /v1/messages}. */
@Configuration(proxyBeanMethods = false)
public class AnthropicRoutes {

    @Bean
    RouterFunction<ServerResponse> anthropicEndpoints(AnthropicMessagesHandler messages) {
        return RouterFunctions.route(POST(ErrorAnswers.ANTHROPIC_SHAPED), messages::messages);
    }

    /** Answered ahead of the dispatcher, like the OpenAI surface. */
    @Bean
    HotRoute anthropicMessages(AnthropicMessagesHandler messages) {
        return HotRoute.post(ErrorAnswers.ANTHROPIC_SHAPED, messages::messages);
    }
}
