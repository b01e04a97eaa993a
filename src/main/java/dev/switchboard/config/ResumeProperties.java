package dev.switchboard.config;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Resumable streams ({@code /api/chat/stream}, {@code /v1/chat/completions}, the WebSocket): a client whose
 * connection drops may come back with {@code Last-Event-ID} and continue where it was.
 *
 * @param grace how long a stream waits for its client after the connection dropped, reading the upstream on
 *     and keeping what it sends; {@code 0} turns resumable streams off (no event ids, a client that goes away
 *     cancels the upstream at once)
 * @param replayWindow events already written to a connection that are kept anyway, newest first, so a client
 *     that lost the last few in flight when its connection broke still gets them (per stream)
 * @param maxStreamBytes the most one stream keeps for a client that is away; past it the stream ends (its
 *     upstream is cancelled) and a resume gets 410
 * @param maxTotalBytes the most all streams together keep for clients that are away
 * @param instanceId names this instance in stream ids, so a resume that reached another instance says which
 *     one holds the stream; by default a random name made at startup
 */
@ConfigurationProperties("switchboard.resume")
public record ResumeProperties(
        @DefaultValue("30s") Duration grace,
        @DefaultValue("4KB") DataSize replayWindow,
        @DefaultValue("256KB") DataSize maxStreamBytes,
        @DefaultValue("64MB") DataSize maxTotalBytes,
        @Nullable String instanceId) {

    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public ResumeProperties {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("switchboard.resume.grace must not be negative (0 turns resuming off)");
        }
        if (replayWindow.toBytes() < 0 || maxStreamBytes.toBytes() < 1 || maxTotalBytes.toBytes() < 1) {
            throw new IllegalArgumentException("switchboard.resume.replay-window must not be negative, max-stream-bytes "
                    + "and max-total-bytes must be positive");
        }
        if (instanceId != null && !instanceId.isEmpty() && !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("switchboard.resume.instance-id: 1 to 32 letters, digits, '_' or '-'");
        }
        if (instanceId != null && instanceId.isEmpty()) {
            instanceId = null;
        }
    }

    /** Settings with resuming on for {@code grace} and the default bounds. */
    public static ResumeProperties of(Duration grace) {
        return new ResumeProperties(grace, DataSize.ofKilobytes(4), DataSize.ofKilobytes(256), DataSize.ofMegabytes(64),
                null);
    }

    public boolean enabled() {
        return !grace.isZero();
    }
}
