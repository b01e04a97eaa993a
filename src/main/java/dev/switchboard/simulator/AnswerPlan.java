package dev.switchboard.simulator;

import dev.switchboard.simulator.OfferedTools.OfferedTool;
import dev.switchboard.simulator.ResponseFormats.JsonMode;
import dev.switchboard.simulator.SimulatedCall.ToolCall;
import dev.switchboard.simulator.ToolResults.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What the simulator answers to one request, before any timing or bytes. Optional reasoning comes
 * first, then the first of these that applies:
 *
 * <ol>
 *   <li>a call of the offered tool, unless the conversation ends with a tool result (arguments from the
 *       tool's schema, see {@link SchemaExamples}; whole, whatever {@code max_tokens} says);
 *   <li>one JSON object when a response format asks for JSON (from its schema, else
 *       {@link SimulatorAnswer#jsonAnswer}; valid at once even for {@code *json-repair*} models);
 *   <li>{@code The tool <name> returned: <result>} when the conversation ends with a tool result;
 *   <li>the usual text ({@link SimulatorAnswer}), after {@code I see 1 image (image/png). } when the
 *       last user message has images (not for {@code *json*} models, whose answer stays JSON).
 * </ol>
 *
 * Text answers are cut to {@code max_tokens} (finish {@code length}).
 *
 * @param reasoning reasoning tokens, empty unless asked for
 * @param tokens answer text tokens, or a tool call's argument pieces
 */
record AnswerPlan(List<String> reasoning, List<String> tokens, @Nullable ToolCall toolCall, String finishReason) {

    /** Characters of the last user message the reasoning mentions. */
    static final int REASONING_EXCERPT = 40;

    static AnswerPlan of(WirePlayer player, String model, JsonNode body, int answerTokens, LongSupplier toolCallNumbers) {
        RequestFeatures features = player.features(body);
        String lastUser = player.lastUserText(body);
        List<String> reasoning = features.reasoning() ? reasoning(lastUser) : List.of();
        OfferedTool tool = features.tool();
        ToolResult result = features.toolResult();
        JsonMode jsonMode = features.jsonMode();
        if (tool != null && result == null) {
            String arguments = SchemaExamples.arguments(tool.schema(), SchemaExamples.word(lastUser)).toString();
            return new AnswerPlan(reasoning, player.argumentPieces(arguments),
                    new ToolCall(toolCallNumbers.getAsLong(), tool.name(), arguments), "tool_calls");
        }
        if (jsonMode != null) {
            JsonNode schema = jsonMode.schema();
            String json = schema == null ? SimulatorAnswer.jsonAnswer(lastUser)
                    : SchemaExamples.example(schema, SchemaExamples.word(lastUser)).toString();
            return new AnswerPlan(reasoning, SimulatorAnswer.chunks(json, 16), null, "stop");
        }
        Integer maxTokens = player.maxTokens(body);
        int limit = maxTokens != null && maxTokens > 0 ? maxTokens : Integer.MAX_VALUE;
        if (result != null) {
            return cut(reasoning, SimulatorAnswer.words("The tool " + result.name() + " returned: " + result.text()), limit);
        }
        int count = Math.min(answerTokens, limit);
        String finish = count < answerTokens ? "length" : "stop";
        List<String> answer = SimulatorAnswer.tokens(model, body, lastUser, count);
        if (features.images().isEmpty() || SimulatorAnswer.jsonModel(model)) {
            return new AnswerPlan(reasoning, answer, null, finish);
        }
        List<String> text = new ArrayList<>(SimulatorAnswer.words(ImageParts.describe(features.images())));
        text.addAll(answer);
        AnswerPlan plan = cut(reasoning, text, limit);
        return new AnswerPlan(reasoning, plan.tokens(), null, "length".equals(finish) ? finish : plan.finishReason());
    }

    /** An empty answer (a body that could not be read). */
    static AnswerPlan empty(int answerTokens) {
        return new AnswerPlan(List.of(), SimulatorAnswer.tokens("", answerTokens), null, "stop");
    }

    /** {@code Thinking about: <first 40 characters of the last user text>} in 3 tokens. */
    static List<String> reasoning(String lastUser) {
        String excerpt = lastUser.strip();
        if (excerpt.length() > REASONING_EXCERPT) {
            int end = Character.isHighSurrogate(excerpt.charAt(REASONING_EXCERPT - 1)) ? REASONING_EXCERPT + 1 : REASONING_EXCERPT;
            excerpt = excerpt.substring(0, end);
        }
        String text = "Thinking about: " + excerpt;
        return SimulatorAnswer.chunks(text, (text.length() + 2) / 3);
    }

    private static AnswerPlan cut(List<String> reasoning, List<String> text, int limit) {
        return text.size() > limit
                ? new AnswerPlan(reasoning, List.copyOf(text.subList(0, limit)), null, "length")
                : new AnswerPlan(reasoning, List.copyOf(text), null, "stop");
    }
}
