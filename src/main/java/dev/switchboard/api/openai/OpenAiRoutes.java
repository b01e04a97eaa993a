package dev.switchboard.api.openai;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

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
}
