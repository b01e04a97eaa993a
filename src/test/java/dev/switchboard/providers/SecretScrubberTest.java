package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
class SecretScrubberTest {

    private static final ApiKey KEY = new ApiKey("openai#3", "sk-proj-abcdefghijklmnopqrstuvwxyz", 100, 0, true);

    @Test
    void theKeyItselfBecomesItsAlias() {
        assertThat(SecretScrubber.scrub("Incorrect API key provided: " + KEY.secret() + ".", KEY))
                .isEqualTo("Incorrect API key provided: [key openai#3].");
    }

    @Test
    void otherKeysAndKeysTheProviderMaskedItselfAreRedacted() {
        assertThat(SecretScrubber.scrub("Incorrect API key provided: sk-proj-****wxyz. You can find", KEY))
                .isEqualTo("Incorrect API key provided: [redacted]. You can find");
        assertThat(SecretScrubber.scrub("Incorrect API key provided: xa***EY. You can obtain", KEY))
                .isEqualTo("Incorrect API key provided: [redacted]. You can obtain");
        assertThat(SecretScrubber.scrub("key AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe is bad", KEY))
                .isEqualTo("key [redacted] is bad");
    }

    @Test
    void aKeyShapedAliasIsNotRedactedItself() {
        ApiKey sim = new ApiKey("sim-beta#2", "sim-invalid-beta-2", 100, 0, true);

        assertThat(SecretScrubber.scrub("Incorrect API key provided: sim-invalid-beta-2.", sim))
                .isEqualTo("Incorrect API key provided: [key sim-beta#2].");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        assertThat(SecretScrubber.scrub("Rate limit reached for gpt-4o-mini: Limit 3, Used 3. Try again in 20s.", KEY))
                .isEqualTo("Rate limit reached for gpt-4o-mini: Limit 3, Used 3. Try again in 20s.");
    }
}
