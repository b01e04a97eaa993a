package dev.switchboard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;

/** One attempt as clients see it (key alias only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttemptView(
        String provider,
        String key,
        String model,
        String outcome,
        @JsonProperty("error_class") ErrorClass errorClass,
        Integer status,
        String message,
        @JsonProperty("latency_ms") long latencyMs) {

    static AttemptView of(Attempt a) {
        return new AttemptView(a.provider(), a.key(), a.model(), a.outcome(), a.errorClass(),
                a.status() > 0 ? a.status() : null, a.message(), a.latencyMs());
    }
}
