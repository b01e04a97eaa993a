package dev.switchboard.providers.anthropic;

import dev.switchboard.chat.ErrorClass;
import dev.switchboard.chat.UpstreamException;
import dev.switchboard.chat.Usage;
import dev.switchboard.providers.ApiKey;
import dev.switchboard.providers.ChatChunk;
import dev.switchboard.providers.sse.SseEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the named SSE events of one Anthropic stream into {@link ChatChunk}s; one instance per stream.
 *
 * <ul>
 *   <li>{@code message_start}, {@code content_block_stop}, {@code ping} and unknown events (the versioning
 *       policy says to ignore them) are keep-alives, so they never commit the stream; message_start's input
 *       token count is kept for later. A {@code content_block_start} of a {@code tool_use} block is the
 *       first fragment of a tool call (its id and name); other block starts are keep-alives.
 *   <li>{@code content_block_delta} is content: text, thinking (reasoning) and {@code input_json_delta}
 *       fragments of the tool call of that block. With a JSON response format the forced JSON tool's input
 *       is the answer text instead.
 *   <li>{@code message_delta} carries the stop reason and the <em>cumulative</em> output tokens; usage is
 *       reported there, once, with the input tokens from message_start.
 *   <li>{@code message_stop} ends the stream; {@code error} fails it; end of body without message_stop is
 *       a truncation.
 * </ul>
 *
 * When the request is relayed, every event also comes as it was sent ({@link ChatChunk.Relay}), carrying
 * what it means or ahead of it ({@link ChatChunk#relayed}).
 */
final class AnthropicStreamMapper {

    private static final List<ChatChunk> KEEP_ALIVE = List.of(ChatChunk.KeepAlive.INSTANCE);

    private final JsonMapper json;
    private final AnthropicErrors errors;
    private final ApiKey key;
    private final boolean relay;
    private final boolean jsonTool;
    /** Tool call index of each tool_use block, by block index (blocks also count text and thinking). */
    private final Map<Integer, Integer> toolOfBlock = new HashMap<>();
    private final Set<Integer> jsonBlocks = new HashSet<>();
    private int inputTokens = -1;
    private int cacheRead;
    private int cacheWrite;
    private boolean done;

    /**
     * @param relay also emit every event as it came, for a client of this wire format
     * @param jsonTool the request forced the JSON tool: its input is the answer text
     */
    AnthropicStreamMapper(JsonMapper json, AnthropicErrors errors, ApiKey key, boolean relay, boolean jsonTool) {
        this.json = json;
        this.errors = errors;
        this.key = key;
        this.relay = relay;
        this.jsonTool = jsonTool;
    }

    boolean isDone(SseEvent event) {
        if (!event.isPulse() && ("message_stop".equals(event.event()) || isMessageStop(event))) {
            done = true;
        }
        return done;
    }

    List<ChatChunk> map(SseEvent event) {
        if (event.isPulse()) {
            return KEEP_ALIVE;
        }
        List<ChatChunk> meaning = meaning(event);
        if (!relay) {
            return meaning;
        }
        return ChatChunk.relayed(new ChatChunk.Relay(event.event(), event.dataBytes(), false), meaning);
    }

    private List<ChatChunk> meaning(SseEvent event) {
        if ("ping".equals(event.event()) || "message_stop".equals(event.event())) {
            return KEEP_ALIVE;
        }
        if ("error".equals(event.event())) {
            throw errors.inBand(json.readTree(event.data()), key);
        }
        AnthropicWire.Event data = json.readValue(event.dataBytes(), AnthropicWire.Event.class);
        String type = "message".equals(event.event()) && data.type() != null ? data.type() : event.event();
        return switch (type) {
            case "message_start" -> messageStart(data);
            case "content_block_start" -> blockStart(data);
            case "content_block_delta" -> contentDelta(data);
            case "message_delta" -> messageDelta(data);
            case "error" -> throw errors.inBand(json.readTree(event.data()), key);
            default -> KEEP_ALIVE;
        };
    }

    /** End of body: nothing more after {@code message_stop}; without it a truncation (thrown). */
    List<ChatChunk> endOfStream() {
        if (done) {
            return List.of();
        }
        throw UpstreamException.of(ErrorClass.NETWORK, "upstream stream ended before message_stop (truncated)");
    }

    private List<ChatChunk> messageStart(AnthropicWire.Event data) {
        if (data.message() != null && data.message().usage() != null) {
            AnthropicWire.Usage usage = data.message().usage();
            inputTokens = AnthropicAnswers.inputTokens(usage);
            cacheRead = AnthropicAnswers.nonNull(usage.cacheReadInputTokens());
            cacheWrite = AnthropicAnswers.nonNull(usage.cacheCreationInputTokens());
        }
        return KEEP_ALIVE;
    }

    private List<ChatChunk> blockStart(AnthropicWire.Event data) {
        AnthropicWire.Block block = data.contentBlock();
        int index = data.index() == null ? 0 : data.index();
        if (block == null || !"tool_use".equals(block.type())) {
            return KEEP_ALIVE;
        }
        if (jsonTool && AnthropicRequests.JSON_TOOL.equals(block.name())) {
            jsonBlocks.add(index);
            return KEEP_ALIVE;
        }
        int tool = toolOfBlock.size();
        toolOfBlock.put(index, tool);
        return List.of(new ChatChunk.ToolCallDelta(0, tool, block.id(), block.name(), ""));
    }

    private List<ChatChunk> contentDelta(AnthropicWire.Event data) {
        AnthropicWire.Delta delta = data.delta();
        if (delta == null || delta.type() == null) {
            return KEEP_ALIVE;
        }
        int index = data.index() == null ? 0 : data.index();
        return switch (delta.type()) {
            case "text_delta" -> List.of(new ChatChunk.Delta(delta.text() == null ? "" : delta.text()));
            case "thinking_delta" -> List.of(new ChatChunk.ReasoningDelta(0, delta.thinking() == null ? ""
                    : delta.thinking()));
            case "input_json_delta" -> inputJson(index, delta.partialJson() == null ? "" : delta.partialJson());
            default -> KEEP_ALIVE;
        };
    }

    private List<ChatChunk> inputJson(int block, String fragment) {
        if (jsonBlocks.contains(block)) {
            return fragment.isEmpty() ? KEEP_ALIVE : List.of(new ChatChunk.Delta(fragment));
        }
        Integer tool = toolOfBlock.get(block);
        return tool == null ? KEEP_ALIVE : List.of(new ChatChunk.ToolCallDelta(0, tool, null, null, fragment));
    }

    private List<ChatChunk> messageDelta(AnthropicWire.Event data) {
        List<ChatChunk> out = new ArrayList<>(2);
        if (data.delta() != null && data.delta().stopReason() != null) {
            String finish = AnthropicAnswers.stopReason(data.delta().stopReason());
            out.add(new ChatChunk.Finish("tool_calls".equals(finish) && toolOfBlock.isEmpty() && !jsonBlocks.isEmpty()
                    ? "stop" : finish));
        }
        AnthropicWire.Usage usage = data.usage();
        if (usage != null && usage.outputTokens() != null) {
            // newer API versions repeat input_tokens here; the later value wins
            int input = usage.inputTokens() != null ? AnthropicAnswers.inputTokens(usage) : Math.max(0, inputTokens);
            int read = usage.cacheReadInputTokens() != null ? usage.cacheReadInputTokens() : cacheRead;
            int write = usage.cacheCreationInputTokens() != null ? usage.cacheCreationInputTokens() : cacheWrite;
            out.add(new ChatChunk.UsageReport(Usage.reported(input, usage.outputTokens()).withDetails(read, write, 0)));
        }
        return out.isEmpty() ? KEEP_ALIVE : out;
    }

    private boolean isMessageStop(SseEvent event) {
        return "message".equals(event.event()) && event.data().contains("\"message_stop\"")
                && "message_stop".equals(json.readTree(event.data()).path("type").asString(""));
    }
}
