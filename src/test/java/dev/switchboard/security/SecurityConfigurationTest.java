package dev.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

@ExtendWith(OutputCaptureExtension.class)
class SecurityConfigurationTest {

    @Test
    void demoModeLogsAClearWarningAtStartup(CapturedOutput output) {
        SecurityConfiguration.announce(properties(true, null));

        assertThat(output.getOut()).contains("WARN").contains("DEMO MODE").contains("no client keys are required")
                .contains("SWITCHBOARD_ADMIN_TOKEN");
    }

    @Test
    void theSecuredModeSaysWhatIsProtectedWithoutPrintingTheToken(CapturedOutput output) {
        SecurityConfiguration.announce(properties(false, "an-admin-token-long-enough"));

        assertThat(output.getOut()).contains("client keys required").doesNotContain("DEMO MODE")
                .doesNotContain("an-admin-token-long-enough");
        assertThat(properties(false, "an-admin-token-long-enough").toString()).doesNotContain("an-admin-token");
    }

    private static SecurityProperties properties(boolean demo, String token) {
        return new SecurityProperties(demo, token, new SecurityProperties.Cors(List.of(), Duration.ofHours(1)),
                DataSize.ofMegabytes(1), 16, new SecurityProperties.WebSocket(DataSize.ofMegabytes(1), 20),
                Duration.ofSeconds(10), Duration.ofSeconds(5));
    }
}
