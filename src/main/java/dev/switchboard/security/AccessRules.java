package dev.switchboard.security;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which credential a path needs. Admin paths (runtime control, actuator, and every status endpoint that
 * shows keys, requests or traffic) take the admin token only. The API namespaces {@code /api/**} and
 * {@code /v1/**} take a client key or the admin token, so a new API endpoint is protected by default.
 * Everything else (the sample pages, {@code /actuator/health}) is public.
 */
final class AccessRules {

    enum Access {
        PUBLIC, CLIENT, ADMIN
    }

    private static final List<PathPattern> PUBLIC_FIRST = patterns(
            "/actuator/health", "/actuator/health/**");
    private static final List<PathPattern> ADMIN = patterns(
            "/admin", "/admin/**",
            "/actuator", "/actuator/**",
            "/api/v1/brain/config/reload", "/api/v1/brain/config/**",
            "/api/v1/brain/status", "/api/v1/brain/status/**",
            "/api/v1/brain/providers/status", "/api/v1/brain/providers/status/**",
            "/api/v1/requests", "/api/v1/requests/**",
            "/api/v1/live", "/api/v1/live/**",
            "/health/keys", "/health/keys/**",
            "/analytics", "/analytics/**");
    private static final List<PathPattern> CLIENT = patterns("/api/**", "/v1/**");

    /**
     * Answers for paths already seen: matching runs up to 22 case-insensitive patterns, on every request. Bounded,
     * because paths come from callers: past the bound, new paths are matched each time and not remembered.
     */
    private static final Map<String, Access> SEEN = new ConcurrentHashMap<>();
    private static final int SEEN_MAX = 4096;

    private AccessRules() {
    }

    static Access of(String path) {
        return of(PathContainer.parsePath(path));
    }

    /** Matched on decoded segments, as the router matches, so {@code /%61dmin} is {@code /admin} here too. */
    static Access of(PathContainer container) {
        String raw = container.value();
        Access known = SEEN.get(raw);
        if (known != null) {
            return known;
        }
        Access access = match(container);
        if (SEEN.size() < SEEN_MAX) {
            SEEN.put(raw, access);
        }
        return access;
    }

    private static Access match(PathContainer container) {
        if (matches(PUBLIC_FIRST, container)) {
            return Access.PUBLIC;
        }
        if (matches(ADMIN, container)) {
            return Access.ADMIN;
        }
        return matches(CLIENT, container) ? Access.CLIENT : Access.PUBLIC;
    }

    private static boolean matches(List<PathPattern> patterns, PathContainer path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static List<PathPattern> patterns(String... patterns) {
        PathPatternParser parser = new PathPatternParser();
        // stricter than the router, which is case-sensitive: /ADMIN is never public here
        parser.setCaseSensitive(false);
        return Arrays.stream(patterns).map(parser::parse).toList();
    }
}
