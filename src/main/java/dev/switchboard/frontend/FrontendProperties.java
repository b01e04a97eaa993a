package dev.switchboard.frontend;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample pages of {@code frontend-sample/} (packaged into the jar under {@code frontend/}).
 *
 * @param enabled serve them at {@code /}; on in the demo profile, off unless set elsewhere
 */
@ConfigurationProperties("switchboard.frontend")
public record FrontendProperties(boolean enabled) {
}
