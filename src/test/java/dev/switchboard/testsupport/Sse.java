package dev.switchboard.testsupport;

import java.util.ArrayList;
import java.util.List;

/** Splits a raw SSE body into (event, data) pairs, for assertions on exact frames. */
public final class Sse {

    public record Frame(String event, String data) {
    }

    private Sse() {
    }

    public static List<Frame> parse(String body) {
        List<Frame> frames = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String event = "message";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(6));
                }
            }
            frames.add(new Frame(event, data.toString()));
        }
        return frames;
    }
}
