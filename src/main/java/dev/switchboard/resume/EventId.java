package dev.switchboard.resume;

import dev.switchboard.chat.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * An event's id, {@code <stream id>.<n>}: the stream ({@code <instance>.<random>}) and the event's place in
 * it, from 1. {@code Last-Event-ID} carries the id of the last event a client got, so it names both the stream
 * and where to go on.
 */
public record EventId(String streamId, long seq) {

    private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}\\.[A-Za-z0-9_-]{8,64}");

    /** Reads a client's {@code Last-Event-ID}; anything else is a 400 {@code invalid_event_id}. */
    public static EventId parse(String text) {
        String value = text.trim();
        int dot = value.lastIndexOf('.');
        if (dot > 0 && dot < value.length() - 1 && value.length() <= 128) {
            String stream = value.substring(0, dot);
            String number = value.substring(dot + 1);
            if (isStreamId(stream) && number.length() <= 18 && number.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return new EventId(stream, Long.parseLong(number));
            }
        }
        throw new InvalidRequestException("invalid_event_id", "Last-Event-ID must be an event id this gateway sent "
                + "(<stream id>.<number>).", "Last-Event-ID");
    }

    /** Whether {@code text} looks like a stream id ({@code <instance>.<random>}). */
    public static boolean isStreamId(String text) {
        return STREAM_ID.matcher(text).matches();
    }

    /** The instance a stream id names. */
    static String instanceOf(String streamId) {
        return streamId.substring(0, streamId.indexOf('.'));
    }

    @Override
    public String toString() {
        return streamId + "." + seq;
    }
}
