package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientKeysTest {

    @Test
    void aKeyIsSbThenSixteenHexDigitsOfIdThenAFortyThreeCharacterSecret() {
        ClientKeys.Generated generated = ClientKeys.generate();

        assertThat(generated.key()).matches("sb-[0-9a-f]{16}-[A-Za-z0-9_-]{43}");
        assertThat(generated.key()).startsWith("sb-" + generated.id() + "-");
    }

    @Test
    void aGeneratedKeyVerifiesAgainstItsStoredSaltAndHash() {
        ClientKeys.Generated generated = ClientKeys.generate();
        ClientRecord stored = record(generated);

        ClientKeys.Parsed parsed = ClientKeys.parse(generated.key());

        assertThat(parsed.id()).isEqualTo(generated.id());
        assertThat(ClientKeys.matches(stored, parsed.secret())).isTrue();
    }

    @Test
    void aSecretWithOneCharacterChangedDoesNotVerify() {
        ClientKeys.Generated generated = ClientKeys.generate();
        String key = generated.key();
        char last = key.charAt(key.length() - 1);
        String altered = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(ClientKeys.matches(record(generated), ClientKeys.parse(altered).secret())).isFalse();
    }

    @Test
    void nothingButTheStoredHashAndSaltIsDerivedFromTheSecret() {
        ClientKeys.Generated generated = ClientKeys.generate();
        String secret = ClientKeys.parse(generated.key()).secret();

        assertThat(generated.salt()).hasSize(16);
        assertThat(generated.hash()).hasSize(32);
        assertThat(new String(generated.hash(), StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(generated.toString()).doesNotContain(secret).contains(generated.id());
        assertThat(record(generated).toString()).doesNotContain(secret);
    }

    @Test
    void theSameSecretUnderTwoSaltsHashesDifferently() {
        assertThat(ClientKeys.hash(new byte[16], "secret")).isNotEqualTo(ClientKeys.hash(new byte[] {1}, "secret"));
    }

    @Test
    void keysAreUniqueAcrossManyGenerations() {
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            ClientKeys.Generated generated = ClientKeys.generate();
            ids.add(generated.id());
            keys.add(generated.key());
        }
        assertThat(ids).hasSize(2000);
        assertThat(keys).hasSize(2000);
    }

    @Test
    void anythingNotShapedLikeAClientKeyIsNotParsed() {
        String valid = ClientKeys.generate().key();

        assertThat(ClientKeys.parse(null)).isNull();
        assertThat(ClientKeys.parse("")).isNull();
        assertThat(ClientKeys.parse("sk-" + valid.substring(3))).isNull();
        assertThat(ClientKeys.parse(valid + "x")).isNull();
        assertThat(ClientKeys.parse(valid.substring(0, valid.length() - 1))).isNull();
        assertThat(ClientKeys.parse(valid.substring(0, 5) + "G" + valid.substring(6))).as("non-hex id").isNull();
        assertThat(ClientKeys.parse(valid.substring(0, valid.length() - 1) + "%")).as("not base64url").isNull();
        assertThat(ClientKeys.parse(valid.replace(valid.substring(3, 19) + "-", valid.substring(3, 19) + "+"))).isNull();
    }

    @Test
    void theMaskedFormShowsOnlyThePublicId() {
        assertThat(ClientKeys.masked("0123456789abcdef")).isEqualTo("sb-0123456789abcdef-****");
    }

    static ClientRecord record(ClientKeys.Generated generated) {
        return new ClientRecord(generated.id(), "test", generated.salt(), generated.hash(), 0, 0, 0, Instant.EPOCH, null);
    }
}
