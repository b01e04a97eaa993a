package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class CredentialsTest {

    @Test
    void takesTheBearerSecretWhateverTheSchemesCase() {
        for (String scheme : new String[] {"Bearer", "bearer", "BEARER", "bEaReR"}) {
            MockServerHttpRequest request = MockServerHttpRequest.post("/v1/chat/completions")
                    .header("Authorization", "  " + scheme + "   sb-secret  ").build();

            assertThat(Credentials.of(request)).as(scheme).isEqualTo("sb-secret");
        }
    }

    @Test
    void presentsAnotherSchemeOrABareSchemeAsItIsSoThatItMatchesNothing() {
        assertThat(Credentials.of(MockServerHttpRequest.post("/v1/chat/completions")
                .header("Authorization", "Basic dXNlcjpwYXNz").build())).isEqualTo("Basic dXNlcjpwYXNz");
        assertThat(Credentials.of(MockServerHttpRequest.post("/v1/chat/completions")
                .header("Authorization", "Bearer ").build())).isEqualTo("Bearer");
        assertThat(Credentials.of(MockServerHttpRequest.post("/v1/chat/completions")
                .header("Authorization", "Bearerx secret").build())).isEqualTo("Bearerx secret");
    }

    @Test
    void takesAnAnthropicStyleKeyAndTheQueryParameterOnlyOnGet() {
        assertThat(Credentials.of(MockServerHttpRequest.post("/v1/messages").header("x-api-key", " k ").build()))
                .isEqualTo("k");
        assertThat(Credentials.of(MockServerHttpRequest.get("/ws/chat?access_token=q").build())).isEqualTo("q");
        assertThat(Credentials.of(MockServerHttpRequest.post("/v1/chat/completions?access_token=q").build())).isNull();
    }
}
