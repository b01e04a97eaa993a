package dev.switchboard.providers.sse;

/**
 * One dispatched server-sent event, or a pulse.
 *
 * @param event the {@code event:} field, {@code message} when absent
 * @param data all {@code data:} lines joined with {@code \n}
 */
public record SseEvent(String event, String data) {

    /**
     * Bytes arrived (a comment, a keep-alive line, part of an event) but nothing was dispatched. It
     * lets the idle timer see that the connection is alive.
     */
    public static final SseEvent PULSE = new SseEvent("", "");

    public boolean isPulse() {
        return this == PULSE;
    }
}
