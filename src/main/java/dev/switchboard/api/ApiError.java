package dev.switchboard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.chat.Attempt;
import dev.switchboard.chat.ErrorClass;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI error shape: {@code {"error":{"message","type","code","param"}}}, plus the request id, the
 * attempts when every candidate failed, and who was answering when a stream broke mid-way. Every surface
 * writes this one body ({@link ErrorAnswers}).
 */
public record ApiError(Body error) {

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record Body(String message, String type, String code,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String param,
            @JsonProperty("request_id") @Nullable String requestId,
            @Nullable List<AttemptView> attempts,
            @Nullable String provider,
            @Nullable String key,
            @JsonProperty("error_class") @Nullable ErrorClass errorClass) {
    }

    static List<AttemptView> views(List<Attempt> attempts) {
        return attempts.stream().map(AttemptView::of).toList();
    }
}
