package dev.switchboard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.chat.Attempt;
import java.util.List;

/**
 * The OpenAI error shape: {@code {"error":{"message","type","code","param"}}}, plus the request id and,
 * when every candidate failed, the attempts.
 */
public record ApiError(Body error) {

    public static ApiError of(String message, String type, String code, String requestId, List<AttemptView> attempts) {
        return new ApiError(new Body(message, type, code, null, requestId, attempts == null || attempts.isEmpty() ? null : attempts));
    }

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record Body(String message, String type, String code,
            @JsonInclude(JsonInclude.Include.ALWAYS) String param,
            @com.fasterxml.jackson.annotation.JsonProperty("request_id") String requestId,
            List<AttemptView> attempts) {
    }

    static List<AttemptView> views(List<Attempt> attempts) {
        return attempts.stream().map(AttemptView::of).toList();
    }
}
