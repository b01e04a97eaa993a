package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesTest {

    @ParameterizedTest
    @CsvSource({
            "/admin/keys, ADMIN",
            "/admin/clients/abc, ADMIN",
            "/admin, ADMIN",
            "/ADMIN/keys, ADMIN",
            "/%61dmin/keys, ADMIN",
            "/admin/../admin/keys, ADMIN",
            "/actuator/prometheus, ADMIN",
            "/actuator/metrics/http.server.requests, ADMIN",
            "/actuator, ADMIN",
            "/api/v1/brain/config/reload, ADMIN",
            "/api/v1/brain/status, ADMIN",
            "/api/v1/brain/providers/status, ADMIN",
            "/api/v1/requests, ADMIN",
            "/api/v1/requests/req_123, ADMIN",
            "/api/v1/live, ADMIN",
            "/health/keys, ADMIN",
            "/analytics/usage, ADMIN",
            "/api/chat, CLIENT",
            "/api/chat/stream, CLIENT",
            "/api/chat/ws, CLIENT",
            "/v1/chat/completions, CLIENT",
            "/v1/models, CLIENT",
            "/api/v1/brain/process, CLIENT",
            "/api/v1/brain/results/task_1, CLIENT",
            "/api/anything-new, CLIENT",
            "/actuator/health, PUBLIC",
            "/actuator/health/readiness, PUBLIC",
            "/, PUBLIC",
            "/index.html, PUBLIC",
            "/favicon.ico, PUBLIC"})
    void classifiesPaths(String path, AccessRules.Access expected) {
        assertThat(AccessRules.of(path)).isEqualTo(expected);
    }
}
