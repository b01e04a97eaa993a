package dev.switchboard.web;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A route answered ahead of Spring's dispatcher ({@link HotRouteFilter}): one method and one exact path, no
 * variables. The same route stays in the router functions, which answer it when the filter does not run.
 *
 * @param pattern the path as a pattern, recorded on the exchange as the router would (metrics, span names)
 */
public record HotRoute(HttpMethod method, String path, HandlerFunction<ServerResponse> handler, PathPattern pattern) {

    public static HotRoute post(String path, HandlerFunction<ServerResponse> handler) {
        PathPattern pattern = PathPatternParser.defaultInstance.parse(path);
        if (pattern.hasPatternSyntax()) {
            throw new IllegalArgumentException("a hot route is an exact path: " + path);
        }
        return new HotRoute(HttpMethod.POST, path, handler, pattern);
    }
}
