package dev.switchboard.api;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import dev.switchboard.web.HotRoute;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/** The native chat endpoints (the OpenAI-compatible ones are in {@code api.openai.OpenAiRoutes}). */
@Configuration(proxyBeanMethods = false)
public class ChatRoutes {

    @Bean
    RouterFunction<ServerResponse> chatEndpoints(ChatHandler sync, ChatStreamHandler sse) {
        return RouterFunctions
                .route(POST("/api/chat"), sync::chat)
                .andRoute(POST("/api/chat/stream"), sse::stream)
                .andRoute(GET("/api/chat/stream/{id}"), sse::events);
    }

    /** The native sync and SSE surfaces, answered ahead of the dispatcher. */
    @Bean
    HotRoute nativeChat(ChatHandler sync) {
        return HotRoute.post("/api/chat", sync::chat);
    }

    @Bean
    HotRoute nativeChatStream(ChatStreamHandler sse) {
        return HotRoute.post("/api/chat/stream", sse::stream);
    }

    @Bean
    HandlerMapping chatWebSocketMapping(ChatWebSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of("/api/chat/ws", handler), -1);
    }
}
