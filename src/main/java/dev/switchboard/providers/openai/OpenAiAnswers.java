package dev.switchboard.providers.openai;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads chat-completions answers into the canonical model: choices, tool calls, reasoning, refusals, usage. */
final class OpenAiAnswers {

    private OpenAiAnswers() {
    }

    static List<Choice> choices(List<OpenAiWire.Choice> wire) {
        List<Choice> out = new ArrayList<>(wire.size());
        for (OpenAiWire.Choice c : wire) {
            OpenAiWire.ResponseMessage m = c.message();
            int index = c.index() == null ? out.size() : c.index();
            String finish = c.finishReason() == null ? "stop" : c.finishReason();
            if (m == null) {
                out.add(new Choice(index, "", List.of(), null, null, finish));
                continue;
            }
            out.add(new Choice(index, m.content() == null ? "" : m.content(), toolCalls(m.toolCalls()),
                    m.reasoningContent() != null ? m.reasoningContent() : m.reasoning(), m.refusal(), finish));
        }
        out.sort(Comparator.comparingInt(Choice::index));
        return out;
    }

    private static List<ToolCall> toolCalls(@Nullable List<OpenAiWire.ToolCall> calls) {
        if (calls == null || calls.isEmpty()) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (OpenAiWire.ToolCall call : calls) {
            OpenAiWire.Function f = call.function();
            out.add(new ToolCall(call.id() == null ? "" : call.id(), f == null || f.name() == null ? "" : f.name(),
                    f == null || f.arguments() == null ? "" : f.arguments()));
        }
        return out;
    }

    /** Usage in the canonical sense (OpenAI's is already: cached prompt tokens inside prompt tokens). */
    static Usage usage(OpenAiWire.@Nullable Usage usage) {
        if (usage == null || usage.promptTokens() == null) {
            return Usage.NONE;
        }
        int prompt = usage.promptTokens();
        int completion = usage.completionTokens() == null ? 0 : usage.completionTokens();
        int total = usage.totalTokens() == null ? prompt + completion : usage.totalTokens();
        int cached = usage.promptDetails() == null || usage.promptDetails().cachedTokens() == null ? 0
                : usage.promptDetails().cachedTokens();
        int reasoning = usage.completionDetails() == null || usage.completionDetails().reasoningTokens() == null ? 0
                : usage.completionDetails().reasoningTokens();
        return new Usage(prompt, completion, total, false, cached, 0, reasoning);
    }
}
