package dev.switchboard.simulator;

import dev.switchboard.simulator.OfferedTools.OfferedTool;
import dev.switchboard.simulator.ResponseFormats.JsonMode;
import dev.switchboard.simulator.ToolResults.ToolResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a request asks for beyond plain text, read by each player from its own wire format.
 *
 * @param tool the tool the choice names or the first one offered; null when none is offered or the
 *     choice forbids tools
 * @param toolResult the tool result the conversation ends with, or null
 * @param images the media types of the last user message's images ({@code url} for remote ones)
 * @param jsonMode the structured output asked for, or null
 * @param reasoning whether reasoning was asked for
 */
record RequestFeatures(
        @Nullable OfferedTool tool,
        @Nullable ToolResult toolResult,
        List<String> images,
        @Nullable JsonMode jsonMode,
        boolean reasoning) {

    static final RequestFeatures NONE = new RequestFeatures(null, null, List.of(), null, false);
}
