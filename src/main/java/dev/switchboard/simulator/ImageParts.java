package dev.switchboard.simulator;

import static dev.switchboard.simulator.MessageTexts.string;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The images in the last user message: one media type per image, {@code url} for an image sent by
 * address rather than inline.
 */
final class ImageParts {

    static final String REMOTE = "url";

    private ImageParts() {
    }

    /** Parts {@code {"type":"image_url","image_url":{"url":"data:image/png;base64,..." | "https://..."}}}. */
    static List<String> openAi(JsonNode body) {
        List<String> images = new ArrayList<>();
        for (JsonNode part : MessageTexts.lastUserMessage(body.path("messages")).path("content")) {
            if ("image_url".equals(string(part.path("type")))) {
                JsonNode image = part.path("image_url");
                images.add(mediaType(image.isString() ? image.stringValue() : string(image.path("url"))));
            }
        }
        return images;
    }

    /** Blocks {@code {"type":"image","source":{"type":"base64","media_type":..} | {"type":"url","url":..}}}. */
    static List<String> anthropic(JsonNode body) {
        List<String> images = new ArrayList<>();
        for (JsonNode block : MessageTexts.lastUserMessage(body.path("messages")).path("content")) {
            if ("image".equals(string(block.path("type")))) {
                String mediaType = string(block.path("source").path("media_type"));
                images.add(mediaType.isEmpty() ? REMOTE : mediaType);
            }
        }
        return images;
    }

    /** Parts {@code {"inlineData":{"mimeType":"image/..",..}}}, and {@code fileData} parts by address. */
    static List<String> gemini(JsonNode body) {
        List<String> images = new ArrayList<>();
        for (JsonNode part : MessageTexts.lastUserContent(body.path("contents")).path("parts")) {
            String inline = string(part.path("inlineData").path("mimeType"));
            if (inline.startsWith("image/")) {
                images.add(inline);
            } else if (part.has("fileData") && string(part.path("fileData").path("mimeType")).startsWith("image/")) {
                images.add(REMOTE);
            }
        }
        return images;
    }

    /** {@code I see 2 images (image/png, url). }: the count and the distinct media types, in order; empty without images. */
    static String describe(List<String> images) {
        if (images.isEmpty()) {
            return "";
        }
        return "I see " + images.size() + (images.size() == 1 ? " image (" : " images (")
                + String.join(", ", new LinkedHashSet<>(images)) + "). ";
    }

    private static String mediaType(String url) {
        if (!url.startsWith("data:")) {
            return REMOTE;
        }
        int end = url.length();
        for (char stop : new char[] {';', ','}) {
            int at = url.indexOf(stop);
            if (at > 0) {
                end = Math.min(end, at);
            }
        }
        return url.substring(5, end);
    }
}
