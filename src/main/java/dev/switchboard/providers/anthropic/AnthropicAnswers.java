package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.Choice;
import dev.switchboard.chat.ToolCall;
import dev.switchboard.chat.Usage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads Messages API answers into the canonical model. */
final class AnthropicAnswers {

    private AnthropicAnswers() {
    }

    /**
     * The message as one choice: text blocks are the content, {@code tool_use} blocks tool calls (or, for
     * the forced JSON tool, the content), {@code thinking} blocks the reasoning.
     */
    static Choice choice(AnthropicWire.Response message, boolean jsonTool) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (AnthropicWire.Block block : message.content()) {
            switch (block.type() == null ? "" : block.type()) {
                case "text" -> text.append(block.text() == null ? "" : block.text());
                case "thinking" -> thinking.append(block.thinking() == null ? "" : block.thinking());
                case "tool_use" -> {
                    String input = block.input() == null ? "{}" : block.input().toString();
                    if (jsonTool && AnthropicRequests.JSON_TOOL.equals(block.name())) {
                        text.append(input);
                    } else {
                        calls.add(new ToolCall(block.id() == null ? "" : block.id(), block.name(), input));
                    }
                }
                default -> {
                }
            }
        }
        String finish = stopReason(message.stopReason());
        if (jsonTool && "tool_calls".equals(finish) && calls.isEmpty()) {
            finish = "stop";
        }
        return new Choice(0, text.toString(), calls, thinking.isEmpty() ? null : thinking.toString(), null, finish);
    }

    static Usage usage(AnthropicWire.@Nullable Usage usage) {
        if (usage == null || usage.inputTokens() == null || usage.outputTokens() == null) {
            return Usage.NONE;
        }
        return Usage.reported(inputTokens(usage), usage.outputTokens())
                .withDetails(nonNull(usage.cacheReadInputTokens()), nonNull(usage.cacheCreationInputTokens()), 0);
    }

    /** Prompt tokens in OpenAI's sense: Anthropic counts cached input apart from {@code input_tokens}. */
    static int inputTokens(AnthropicWire.Usage usage) {
        return nonNull(usage.inputTokens()) + nonNull(usage.cacheCreationInputTokens())
                + nonNull(usage.cacheReadInputTokens());
    }

    /** Section 2.3 of the reference: Anthropic's stop reasons in OpenAI's vocabulary. */
    static String stopReason(@Nullable String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static int nonNull(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
