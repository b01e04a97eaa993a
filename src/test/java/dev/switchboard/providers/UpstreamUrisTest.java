package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpstreamUrisTest {

    @Test
    void joinsBaseUrlAndPathWithOneSlash() {
        assertThat(UpstreamUris.resolve("https://api.groq.com/openai/v1", "/chat/completions"))
                .hasToString("https://api.groq.com/openai/v1/chat/completions");
        assertThat(UpstreamUris.resolve("http://127.0.0.1:9101/v1/", "/chat/completions"))
                .hasToString("http://127.0.0.1:9101/v1/chat/completions");
    }
}
