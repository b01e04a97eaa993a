package dev.switchboard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.database.EmbeddedPostgresServer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The master key and the AES-GCM encryption of provider keys at rest. */
class MasterKeyTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String SECRET = "sk-or-v1-0123456789abcdef0123456789abcdef";

    private final KeyCipher cipher = new KeyCipher(MasterKey.parse(KEY));

    @Test
    void anUnsetMasterKeyMeansMemoryOnly() {
        assertThat(MasterKey.parse(null)).isNull();
        assertThat(MasterKey.parse("  ")).isNull();
    }

    @Test
    void aMasterKeyMustBeBase64Of32BytesAndNeverShowsItself() {
        assertThat(MasterKey.parse(KEY)).hasToString("MasterKey[hidden]");
        assertThat(MasterKey.parse(Base64.getUrlEncoder().encodeToString(new byte[32]).replace('A', '-'))).isNotNull();
        assertThatThrownBy(() -> MasterKey.parse("not base64!"))
                .isInstanceOf(MasterKey.InvalidMasterKeyException.class).hasMessageContaining("is not valid base64")
                .hasMessageNotContaining("not base64!");
        assertThatThrownBy(() -> MasterKey.parse(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("decodes to 16 bytes; it must be 32 (AES-256)")
                .hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void aKeyIsSealedWithAFreshNonceAndOpensOnlyForItsProviderAndFingerprint() throws GeneralSecurityException {
        KeyCipher.Sealed once = cipher.seal("openrouter", "fp1", SECRET);
        KeyCipher.Sealed twice = cipher.seal("openrouter", "fp1", SECRET);

        assertThat(once.nonce()).hasSize(12).isNotEqualTo(twice.nonce());
        assertThat(once.ciphertext()).isNotEqualTo(twice.ciphertext());
        assertThat(new String(once.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET)
                .doesNotContain(SECRET.substring(0, 12));
        assertThat(cipher.open("openrouter", "fp1", once)).isEqualTo(SECRET);
        assertThatThrownBy(() -> cipher.open("groq", "fp1", once)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> cipher.open("openrouter", "fp2", once)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void anotherMasterKeyOrAnAlteredCiphertextDoesNotOpen() {
        KeyCipher.Sealed sealed = cipher.seal("openrouter", "fp1", SECRET);
        byte[] other = new byte[32];
        other[0] = 1;
        KeyCipher foreign = new KeyCipher(MasterKey.parse(Base64.getEncoder().encodeToString(other)));
        byte[] altered = Arrays.copyOf(sealed.ciphertext(), sealed.ciphertext().length);
        altered[0] ^= 1;

        assertThatThrownBy(() -> foreign.open("openrouter", "fp1", sealed)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> cipher.open("openrouter", "fp1", new KeyCipher.Sealed(sealed.nonce(), altered)))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aBadMasterKeyStopsTheStartBeforeTheDatabaseOrAPortIsOpened() {
        SpringApplication application = new SpringApplication(SwitchboardApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        Throwable failure = catchThrowable(() -> application.run("--spring.profiles.active=demo",
                "--switchboard.keys.master-key=c2hvcnQ=", "--switchboard.database.embedded-data-dir=target/never-started"));

        assertThat(failure).isInstanceOf(MasterKey.InvalidMasterKeyException.class)
                .hasMessageContaining("SWITCHBOARD_MASTER_KEY decodes to 5 bytes");
        assertThat(EmbeddedPostgresServer.running()).isFalse();
        FailureAnalysis analysis = new InvalidMasterKeyFailureAnalyzer().analyze(new IllegalStateException(failure));
        assertThat(analysis.getDescription()).contains("decodes to 5 bytes");
        assertThat(analysis.getAction()).contains("openssl rand -base64 32").contains("in memory only");
    }
}
