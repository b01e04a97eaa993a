package dev.switchboard.routing;

import dev.switchboard.chat.UpstreamException;
import dev.switchboard.config.ErrorOverride;
import dev.switchboard.providers.Provider;
import java.util.Locale;

/** Applies a provider's configured {@code error-overrides} on top of its adapter's classification. */
final class ErrorOverrides {

    private ErrorOverrides() {
    }

    static UpstreamException apply(Provider provider, UpstreamException failure) {
        for (ErrorOverride override : provider.errorOverrides()) {
            if (override.errorClass() != null && matches(override, failure)) {
                return new UpstreamException(override.errorClass(), failure.status(), failure.upstreamCode(),
                        failure.getMessage(), failure.retryAfter());
            }
        }
        return failure;
    }

    private static boolean matches(ErrorOverride override, UpstreamException failure) {
        if (override.status() != null && override.status() != failure.status()) {
            return false;
        }
        if (override.code() != null && !override.code().equalsIgnoreCase(String.valueOf(failure.upstreamCode()))) {
            return false;
        }
        return override.messageContains() == null || failure.getMessage().toLowerCase(Locale.ROOT)
                .contains(override.messageContains().toLowerCase(Locale.ROOT));
    }
}
