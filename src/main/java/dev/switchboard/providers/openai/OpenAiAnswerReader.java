package dev.switchboard.providers.openai;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a whole chat-completions answer, or one stream chunk, into its {@link OpenAiWire} records with the
 * streaming parser, token by token, skipping what it does not need ({@code id}, {@code logprobs},
 * {@code annotations}...).
 *
 * <p>Why not {@code readValue(body, Response.class)}: binding records goes through Jackson's property-based
 * creators (buffered properties, a method-handle call per record), which made reading the answer the largest
 * single step of a relayed request (and, per chunk, of a relayed stream) in the profile (docs/PERFORMANCE.md).
 * The records, and so everything after this, are the same. Scalars are coerced as Jackson would (a number where a string is expected becomes its
 * text, a numeric string where a number is expected its value); any other shape is a malformed answer.
 */
final class OpenAiAnswerReader {

    private OpenAiAnswerReader() {
    }

    static OpenAiWire.Response read(JsonMapper json, byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed();
            }
            List<OpenAiWire.Choice> choices = null;
            OpenAiWire.Usage usage = null;
            JsonNode error = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "choices" -> choices = value == JsonToken.VALUE_NULL ? null : list(p, OpenAiAnswerReader::choice);
                    case "usage" -> usage = value == JsonToken.VALUE_NULL ? null : usage(p);
                    case "error" -> error = p.readValueAsTree();
                    default -> p.skipChildren();
                }
            }
            return new OpenAiWire.Response(choices, usage, error);
        }
    }

    /**
     * One stream chunk (an SSE event's data), read the same way: per chunk, binding was the largest step of a
     * relayed stream in the profile (docs/PERFORMANCE.md).
     */
    static OpenAiWire.Chunk readChunk(JsonMapper json, byte[] data) {
        try (JsonParser p = json.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed();
            }
            List<OpenAiWire.Choice> choices = null;
            OpenAiWire.Usage usage = null;
            JsonNode error = null;
            OpenAiWire.XGroq xGroq = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "choices" -> choices = value == JsonToken.VALUE_NULL ? null : list(p, OpenAiAnswerReader::choice);
                    case "usage" -> usage = value == JsonToken.VALUE_NULL ? null : usage(p);
                    case "error" -> error = p.readValueAsTree();
                    case "x_groq" -> xGroq = value == JsonToken.VALUE_NULL ? null : xGroq(p);
                    default -> p.skipChildren();
                }
            }
            return new OpenAiWire.Chunk(choices, usage, error, xGroq);
        }
    }

    /** Groq's extension object: its usage and error, nothing else. */
    private static OpenAiWire.XGroq xGroq(JsonParser p) {
        expectObject(p);
        OpenAiWire.Usage usage = null;
        JsonNode error = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "usage" -> usage = value == JsonToken.VALUE_NULL ? null : usage(p);
                case "error" -> error = p.readValueAsTree();
                default -> p.skipChildren();
            }
        }
        return new OpenAiWire.XGroq(usage, error);
    }

    /** A choice of an answer ({@code message}) or of a chunk ({@code delta}). */
    private static OpenAiWire.Choice choice(JsonParser p) {
        expectObject(p);
        Integer index = null;
        OpenAiWire.ResponseMessage message = null;
        OpenAiWire.Delta delta = null;
        String finishReason = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "index" -> index = integer(p);
                case "message" -> message = value == JsonToken.VALUE_NULL ? null : message(p);
                case "delta" -> delta = value == JsonToken.VALUE_NULL ? null : delta(p);
                case "finish_reason" -> finishReason = string(p);
                default -> p.skipChildren();
            }
        }
        return new OpenAiWire.Choice(index, message, delta, finishReason);
    }

    /** A chunk's delta: the fields of a message, read into its own record. */
    private static OpenAiWire.Delta delta(JsonParser p) {
        OpenAiWire.ResponseMessage m = message(p);
        return new OpenAiWire.Delta(m.role(), m.content(), m.refusal(), m.reasoning(), m.reasoningContent(),
                m.toolCalls());
    }

    private static OpenAiWire.ResponseMessage message(JsonParser p) {
        expectObject(p);
        String role = null;
        String content = null;
        String refusal = null;
        List<OpenAiWire.ToolCall> toolCalls = null;
        String reasoning = null;
        String reasoningContent = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "role" -> role = string(p);
                case "content" -> content = string(p);
                case "refusal" -> refusal = string(p);
                case "tool_calls" -> toolCalls = value == JsonToken.VALUE_NULL ? null : list(p, OpenAiAnswerReader::toolCall);
                case "reasoning" -> reasoning = string(p);
                case "reasoning_content" -> reasoningContent = string(p);
                default -> p.skipChildren();
            }
        }
        return new OpenAiWire.ResponseMessage(role, content, refusal, toolCalls, reasoning, reasoningContent);
    }

    private static OpenAiWire.ToolCall toolCall(JsonParser p) {
        expectObject(p);
        Integer index = null;
        String id = null;
        String type = null;
        OpenAiWire.Function function = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "index" -> index = integer(p);
                case "id" -> id = string(p);
                case "type" -> type = string(p);
                case "function" -> function = value == JsonToken.VALUE_NULL ? null : function(p);
                default -> p.skipChildren();
            }
        }
        return new OpenAiWire.ToolCall(index, id, type, function);
    }

    private static OpenAiWire.Function function(JsonParser p) {
        expectObject(p);
        String name = null;
        String arguments = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p);
                case "arguments" -> arguments = string(p);
                default -> p.skipChildren();
            }
        }
        return new OpenAiWire.Function(name, arguments);
    }

    private static OpenAiWire.Usage usage(JsonParser p) {
        expectObject(p);
        Integer prompt = null;
        Integer completion = null;
        Integer total = null;
        OpenAiWire.PromptDetails promptDetails = null;
        OpenAiWire.CompletionDetails completionDetails = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = integer(p);
                case "completion_tokens" -> completion = integer(p);
                case "total_tokens" -> total = integer(p);
                case "prompt_tokens_details" -> promptDetails = value == JsonToken.VALUE_NULL ? null
                        : new OpenAiWire.PromptDetails(detail(p, "cached_tokens"));
                case "completion_tokens_details" -> completionDetails = value == JsonToken.VALUE_NULL ? null
                        : new OpenAiWire.CompletionDetails(detail(p, "reasoning_tokens"));
                default -> p.skipChildren();
            }
        }
        return new OpenAiWire.Usage(prompt, completion, total, promptDetails, completionDetails);
    }

    /** The one integer field of a details object that is read. */
    private static @Nullable Integer detail(JsonParser p, String wanted) {
        expectObject(p);
        Integer found = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            boolean isWanted = wanted.equals(p.currentName());
            p.nextToken();
            if (isWanted) {
                found = integer(p);
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    @FunctionalInterface
    private interface Element<T> {
        T read(JsonParser p);
    }

    private static <T> List<T> list(JsonParser p, Element<T> element) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw malformed();
        }
        List<T> out = new ArrayList<>(2);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(element.read(p));
        }
        return out;
    }

    private static void expectObject(JsonParser p) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw malformed();
        }
    }

    private static @Nullable String string(JsonParser p) {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_STRING || token.isScalarValue()) {
            return p.getValueAsString();
        }
        throw malformed();
    }

    private static @Nullable Integer integer(JsonParser p) {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getValueAsInt();
        }
        if (token == JsonToken.VALUE_STRING) {
            String text = p.getString().trim();
            if (text.isEmpty()) {
                return null;
            }
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw malformed();
            }
        }
        throw malformed();
    }

    private static UpstreamException malformed() {
        return UpstreamException.of(ErrorClass.SERVER_ERROR, "malformed upstream response");
    }
}
