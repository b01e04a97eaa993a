package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminTokenTest {

    private final AdminToken token = AdminToken.of("0123456789abcdef-admin");

    @Test
    void matchesOnlyTheExactToken() {
        assertThat(token.matches("0123456789abcdef-admin")).isTrue();
        assertThat(token.matches("0123456789abcdef-admin ")).isFalse();
        assertThat(token.matches("0123456789abcdef-admiN")).isFalse();
        assertThat(token.matches("0123456789abcdef")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void anUnsetTokenMatchesNothing() {
        AdminToken unset = AdminToken.of(null);

        assertThat(unset.configured()).isFalse();
        assertThat(unset.matches("")).isFalse();
        assertThat(unset.matches(null)).isFalse();
        assertThat(AdminToken.of("  ").matches("  ")).isFalse();
    }

    @Test
    void neverPrintsTheToken() {
        assertThat(token.toString()).doesNotContain("0123456789abcdef").isEqualTo("AdminToken[****]");
    }

    @Test
    void refusesTokensThatAreMissingShortOrContainWhitespace() {
        assertThat(AdminToken.problem(null)).isEqualTo("no admin token is set");
        assertThat(AdminToken.problem("")).isEqualTo("no admin token is set");
        assertThat(AdminToken.problem("short-token")).isEqualTo("the admin token is shorter than 16 characters");
        assertThat(AdminToken.problem("0123456789 abcdef")).contains("whitespace");
        assertThat(AdminToken.problem("0123456789abcdef")).isNull();
    }

    @Test
    void refusesATokenShapedLikeAClientKeyWhichIsCheckedAsOneFirst() {
        String clientKeyShaped = ClientKeys.generate().key();

        assertThat(AdminToken.problem(clientKeyShaped)).contains("shape of a client key");
        assertThat(AdminToken.problem(clientKeyShaped + "x")).isNull();
    }
}
