package dev.switchboard.providers.gemini;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.providers.UpstreamRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts an {@link UpstreamRequest} into Gemini form: system (and developer) messages become
 * {@code systemInstruction}, assistant turns get the role {@code model}, consecutive turns of one role are
 * merged into one content with several parts, and {@code max_tokens}/{@code temperature} go into
 * {@code generationConfig}.
 */
final class GeminiRequests {

    private GeminiRequests() {
    }

    static GeminiWire.Request toWire(UpstreamRequest request) {
        List<GeminiWire.Part> system = new ArrayList<>();
        List<GeminiWire.Content> contents = new ArrayList<>(request.messages().size());
        for (ChatMessage m : request.messages()) {
            if ("system".equals(m.role()) || "developer".equals(m.role())) {
                system.add(GeminiWire.Part.text(m.content()));
                continue;
            }
            String role = "assistant".equals(m.role()) ? "model" : "user";
            int last = contents.size() - 1;
            if (last >= 0 && contents.get(last).role().equals(role)) {
                List<GeminiWire.Part> parts = new ArrayList<>(contents.get(last).parts());
                parts.add(GeminiWire.Part.text(m.content()));
                contents.set(last, new GeminiWire.Content(role, parts));
            } else {
                contents.add(new GeminiWire.Content(role, List.of(GeminiWire.Part.text(m.content()))));
            }
        }
        GeminiWire.GenerationConfig config = request.maxTokens() == null && request.temperature() == null ? null
                : new GeminiWire.GenerationConfig(request.temperature(), request.maxTokens());
        return new GeminiWire.Request(system.isEmpty() ? null : new GeminiWire.Content(null, system), contents, config);
    }

    /** The bare model id: {@code models/gemini-2.0-flash} and {@code gemini-2.0-flash} name the same model. */
    static String modelId(String model) {
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }
}
