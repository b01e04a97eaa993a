package dev.switchboard.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.GatewayIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The sample pages are served at / without shadowing any API route. */
@GatewayIT
class FrontendIT {

    @Autowired
    WebTestClient http;

    @Test
    void theRootIsTheLandingPage() {
        String page = http.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().cacheControl(CacheControl.noCache())
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(page).contains("<title>Switchboard</title>", "chat-sse.html", "chat-ws.html", "dashboard.html");
    }

    @Test
    void everyPageAndScriptIsServedWithItsType() {
        for (String page : new String[] {"/chat-sse.html", "/chat-ws.html", "/dashboard.html"}) {
            http.get().uri(page).exchange().expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
        }
        http.get().uri("/app.css").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/css");
        String script = http.get().uri("/js/dashboard.js").exchange().expectStatus().isOk()
                .expectHeader().value("Content-Type", type -> assertThat(type).contains("javascript"))
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(script).contains("/api/v1/live");
    }

    @Test
    void pathsWithoutAFileAndApiRoutesAreUnaffected() {
        http.get().uri("/no-such-page.html").exchange().expectStatus().isNotFound();
        http.get().uri("/README.md").exchange().expectStatus().isNotFound();
        http.get().uri("/../application.yml").exchange().expectStatus().isNotFound();
        http.get().uri("/v1/models").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        http.get().uri("/admin/keys").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.providers").isArray();
    }
}
