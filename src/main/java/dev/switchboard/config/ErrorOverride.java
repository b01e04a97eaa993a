package dev.switchboard.config;

import dev.switchboard.chat.ErrorClass;
import org.jspecify.annotations.Nullable;

/**
 * One row of a provider's error table override: an upstream answer matching every field given is
 * classified as {@code errorClass}, whatever the adapter's default says.
 *
 * @param status HTTP status to match (null = any)
 * @param code the provider's error code or type to match (null = any)
 * @param messageContains text the error message must contain, case-insensitive (null = any)
 */
public record ErrorOverride(
        @Nullable Integer status,
        @Nullable String code,
        @Nullable String messageContains,
        @Nullable ErrorClass errorClass) {
}
