package dev.switchboard.api.openai;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.web.HotRoute;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The OpenAI-compatible endpoints under {@code /v1}. */
@Configuration(proxyBeanMethods = false)
public class OpenAiRoutes {

    @Bean
    RouterFunction<ServerResponse> openAiEndpoints(OpenAiCompatHandler openAi) {
        return RouterFunctions
                .route(POST("/v1/chat/completions"), openAi::chatCompletions)
                .andRoute(GET("/v1/models"), openAi::models);
    }

    /** The one path almost every client calls, answered ahead of the dispatcher. */
    @Bean
    HotRoute openAiChatCompletions(OpenAiCompatHandler openAi) {
        return HotRoute.post("/v1/chat/completions", openAi::chatCompletions);
    }
}
