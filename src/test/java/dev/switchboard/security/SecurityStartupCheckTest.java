package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.SwitchboardApplication;
import dev.switchboard.database.EmbeddedPostgresServer;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

class SecurityStartupCheckTest {

    @Test
    void refusesToStartOutsideDemoModeWithoutAnAdminToken() {
        MockEnvironment environment = new MockEnvironment();

        InsecureStartupException failure = catchThrowableOfType(InsecureStartupException.class,
                () -> SecurityStartupCheck.check(environment));

        assertThat(failure.getMessage()).contains("no admin token is set").contains("SWITCHBOARD_ADMIN_TOKEN");
    }

    @Test
    void refusesAShortAdminTokenWithoutPrintingIt() {
        MockEnvironment environment = new MockEnvironment().withProperty("switchboard.security.admin-token", "letmein");

        InsecureStartupException failure = catchThrowableOfType(InsecureStartupException.class,
                () -> SecurityStartupCheck.check(environment));

        assertThat(failure.getMessage()).contains("shorter than 16 characters").doesNotContain("letmein");
    }

    @Test
    void startsWithALongEnoughTokenOrInDemoMode() {
        assertThatCode(() -> SecurityStartupCheck.check(new MockEnvironment()
                .withProperty("switchboard.security.admin-token", "a-long-enough-admin-token"))).doesNotThrowAnyException();
        assertThatCode(() -> SecurityStartupCheck.check(new MockEnvironment()
                .withProperty("switchboard.security.demo-mode", "true"))).doesNotThrowAnyException();
    }

    @Test
    void theApplicationStopsBeforeTheDatabaseOrAPortIsOpened() {
        SpringApplication application = new SpringApplication(SwitchboardApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        Throwable failure = catchThrowable(() -> application.run("--spring.profiles.active=production",
                "--switchboard.database.embedded-data-dir=target/never-started"));

        assertThat(failure).isInstanceOf(InsecureStartupException.class);
        assertThat(EmbeddedPostgresServer.running()).isFalse();
    }

    @Test
    void explainsWhatToDoInTheStartupFailureReport() {
        FailureAnalysis analysis = new InsecureStartupFailureAnalyzer()
                .analyze(new IllegalStateException(new InsecureStartupException("no admin token is set")));

        assertThat(analysis.getDescription()).contains("no admin token is set");
        assertThat(analysis.getAction()).contains("SWITCHBOARD_ADMIN_TOKEN").contains("demo");
    }
}
