package dev.switchboard.chat;

/** The two routing paths. */
public enum RoutePath {
    /** Path A: no model named; providers round-robin, each with its default model. */
    DEFAULT("default"),
    /** Path B: a model named; that provider's keys only. */
    MODEL("model");

    private final String code;

    RoutePath(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
