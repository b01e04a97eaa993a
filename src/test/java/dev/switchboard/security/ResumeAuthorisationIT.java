package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testsupport.SecuredGateway;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** A stream is resumed only by the client that started it (or the admin token); anyone else gets a plain 410. */
class ResumeAuthorisationIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };
    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"Only mine\"}]}";

    private final SecuredGateway gateway = SecuredGateway.get();
    private final WebTestClient http = gateway.http();

    private String startAndDrop(String key) {
        List<ServerSentEvent<String>> first = WebClient.create(gateway.baseUrl()).post().uri("/api/chat/stream")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(BODY)
                .retrieve().bodyToFlux(SSE).take(1).collectList().block(WAIT);
        return first.get(0).id();
    }

    private WebTestClient.ResponseSpec resume(String credential, String lastEventId) {
        return http.post().uri("/api/chat/stream")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + credential)
                .header("Last-Event-ID", lastEventId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange();
    }

    @Test
    void anotherClientGetsTheSame410AsForAnUnknownStreamAndTheOwnerResumes() {
        String owner = gateway.createClient("resume-owner", 0, 0, 0);
        String other = gateway.createClient("resume-other", 0, 0, 0);
        String lastEventId = startAndDrop(owner);

        resume(other, lastEventId).expectStatus().isEqualTo(HttpStatus.GONE)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("stream_expired")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("is not open"));

        String rest = resume(owner, lastEventId).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(rest).contains("event: done").doesNotContain("id: " + lastEventId + "\n");
    }

    @Test
    void withoutCredentialsAResumeIsRefusedBeforeItIsLookedUp() {
        String owner = gateway.createClient("resume-anonymous", 0, 0, 0);
        String lastEventId = startAndDrop(owner);

        http.post().uri("/api/chat/stream").header("Last-Event-ID", lastEventId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isUnauthorized();
        String stream = lastEventId.substring(0, lastEventId.lastIndexOf('.'));
        http.get().uri("/api/chat/stream/" + stream + "?access_token=" + owner)
                .header("Last-Event-ID", lastEventId)
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("retry: 500", "event: done"));
    }
}
