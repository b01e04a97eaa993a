package dev.switchboard.providers;

/** The wire protocol an adapter speaks. */
public enum WireFormat {
    OPENAI
}
