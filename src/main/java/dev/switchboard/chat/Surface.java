package dev.switchboard.chat;

/** Where a request came in. */
public enum Surface {
    SYNC("sync"), SSE("sse"), WEBSOCKET("websocket"), OPENAI("openai"), ANTHROPIC("anthropic"), TASK("task");

    private final String code;

    Surface(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
