package dev.switchboard.providers.gemini;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads Gemini answers into the canonical model. */
final class GeminiAnswers {

    private static final Logger log = LoggerFactory.getLogger(GeminiAnswers.class);

    private GeminiAnswers() {
    }

    /**
     * Each candidate as a choice: text parts are the content, {@code thought} parts the reasoning,
     * {@code functionCall} parts tool calls (with an id made up when Gemini gives none, as OpenAI clients
     * need one to answer the call).
     */
    static List<Choice> choices(List<GeminiWire.Candidate> candidates) {
        List<Choice> out = new ArrayList<>(candidates.size());
        for (GeminiWire.Candidate candidate : candidates) {
            StringBuilder text = new StringBuilder();
            StringBuilder thoughts = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            if (candidate.content() != null && candidate.content().parts() != null) {
                for (GeminiWire.Part part : candidate.content().parts()) {
                    if (part.functionCall() != null) {
                        calls.add(toolCall(part.functionCall()));
                    } else if (Boolean.TRUE.equals(part.thought())) {
                        thoughts.append(part.text() == null ? "" : part.text());
                    } else if (part.text() != null) {
                        text.append(part.text());
                    }
                }
            }
            String finish = finishReason(candidate.finishReason(), !calls.isEmpty());
            int index = candidate.index() == null ? out.size() : candidate.index();
            out.add(new Choice(index, text.toString(), calls, thoughts.isEmpty() ? null : thoughts.toString(), null,
                    finish));
        }
        out.sort(Comparator.comparingInt(Choice::index));
        return out;
    }

    static ToolCall toolCall(GeminiWire.FunctionCall call) {
        return new ToolCall(call.id() != null ? call.id() : newCallId(), call.name() == null ? "" : call.name(),
                call.args() == null ? "{}" : call.args().toString());
    }

    /** {@code call_} and 24 hex digits, from {@link ThreadLocalRandom} (never blocks an event loop). */
    static String newCallId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "call_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Integer.toHexString(random.nextInt() | Integer.MIN_VALUE);
    }

    /**
     * Gemini's finish reasons in OpenAI's vocabulary; a candidate that called functions finished for
     * {@code tool_calls} (Gemini says {@code STOP}).
     */
    static String finishReason(@Nullable String finishReason, boolean calledTools) {
        if (finishReason == null) {
            return calledTools ? "tool_calls" : "stop";
        }
        return switch (finishReason) {
            case "STOP" -> calledTools ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> {
                log.debug("Gemini finishReason {} reported as stop", finishReason);
                yield "stop";
            }
        };
    }

    /**
     * Prompt and completion in OpenAI's sense: thinking tokens are output tokens (OpenAI counts reasoning
     * in {@code completion_tokens} too), cached content is part of the prompt.
     */
    static Usage usage(GeminiWire.@Nullable UsageMetadata usage) {
        if (usage == null || usage.promptTokenCount() == null) {
            return Usage.NONE;
        }
        int prompt = usage.promptTokenCount();
        int thoughts = nonNull(usage.thoughtsTokenCount());
        int completion = nonNull(usage.candidatesTokenCount()) + thoughts;
        int total = usage.totalTokenCount() != null ? usage.totalTokenCount() : prompt + completion;
        return new Usage(prompt, completion, total, false, nonNull(usage.cachedContentTokenCount()), 0, thoughts);
    }

    private static int nonNull(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
