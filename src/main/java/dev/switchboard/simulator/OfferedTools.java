package dev.switchboard.simulator;

import static dev.switchboard.simulator.MessageTexts.string;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The tool the simulator calls, read from a request's offered tools and tool choice: the tool the
 * choice names, else the first one offered (also when the choice names a tool that is not offered,
 * which a real provider would reject); none when no tool is offered or the choice forbids tools.
 * {@code auto}, {@code required}/{@code any} and unknown choices all call a tool.
 */
final class OfferedTools {

    /** A function the client offers, with its parameters' JSON schema (missing when it has none). */
    record OfferedTool(String name, JsonNode schema) {
    }

    private OfferedTools() {
    }

    /** {@code tools[].function}; {@code tool_choice} {@code "none"} forbids, {@code {"function":{"name":X}}} names. */
    static @Nullable OfferedTool openAi(JsonNode body) {
        List<OfferedTool> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            JsonNode function = tool.path("function");
            if (function.path("name").isString()) {
                tools.add(new OfferedTool(function.path("name").stringValue(), function.path("parameters")));
            }
        }
        JsonNode choice = body.path("tool_choice");
        if ("none".equals(string(choice))) {
            return null;
        }
        return pick(tools, string(choice.path("function").path("name")));
    }

    /** {@code tools[]} with {@code input_schema}; {@code tool_choice.type} {@code none} forbids, {@code tool} names. */
    static @Nullable OfferedTool anthropic(JsonNode body) {
        List<OfferedTool> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            // server tools (web search, code execution, ...) have a versioned type and no input_schema
            String type = string(tool.path("type"));
            if (tool.path("name").isString() && (type.isEmpty() || "custom".equals(type))) {
                tools.add(new OfferedTool(tool.path("name").stringValue(), tool.path("input_schema")));
            }
        }
        JsonNode choice = body.path("tool_choice");
        String type = string(choice.path("type"));
        if ("none".equals(type)) {
            return null;
        }
        return pick(tools, "tool".equals(type) ? string(choice.path("name")) : "");
    }

    /**
     * {@code tools[].functionDeclarations[]} with {@code parametersJsonSchema} or {@code parameters};
     * {@code toolConfig.functionCallingConfig.mode} {@code NONE} forbids, {@code allowedFunctionNames[0]}
     * (with mode {@code ANY}) names.
     */
    static @Nullable OfferedTool gemini(JsonNode body) {
        List<OfferedTool> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            for (JsonNode declaration : tool.path("functionDeclarations")) {
                if (declaration.path("name").isString()) {
                    JsonNode schema = declaration.has("parametersJsonSchema")
                            ? declaration.path("parametersJsonSchema") : declaration.path("parameters");
                    tools.add(new OfferedTool(declaration.path("name").stringValue(), schema));
                }
            }
        }
        JsonNode config = body.path("toolConfig").path("functionCallingConfig");
        if ("NONE".equals(string(config.path("mode")))) {
            return null;
        }
        return pick(tools, string(config.path("allowedFunctionNames").path(0)));
    }

    private static @Nullable OfferedTool pick(List<OfferedTool> tools, String named) {
        if (tools.isEmpty()) {
            return null;
        }
        if (named.isEmpty()) {
            return tools.get(0);
        }
        return tools.stream().filter(t -> t.name().equals(named)).findFirst().orElse(tools.get(0));
    }
}
