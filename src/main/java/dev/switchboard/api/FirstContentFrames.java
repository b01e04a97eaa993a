package dev.switchboard.api;

import dev.switchboard.chat.StreamEvent;
import dev.switchboard.web.JsonBodies;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * One stream's frames up to its first content, given out as one frame with it.
 *
 * <p>A stream commits on its first content, and the frames written for it come as several events in one go:
 * the relayed events held back before it (OpenAI's role chunk) or a role chunk of the surface's own, then the
 * content. The connection's first write takes only what is there when the response commits, the first of
 * those frames; each further frame waited for that write to complete, on io_uring a turn of the event loop
 * each, which under a burst of streams starting together is long (docs/PERFORMANCE.md). Held here until the
 * event that ends the commit (the first content, or the end or failure of a stream that had none), they leave
 * as one frame and one write. Nothing is delayed: every event of the commit is emitted in the same call.
 *
 * <p>Held frames are copied out of their buffers at once (a few hundred bytes, once a stream), so nothing
 * pooled is held should the stream be cancelled in between. Not thread-safe: one stream's events come one at a
 * time.
 */
public final class FirstContentFrames {

    private final DataBufferFactory buffers;
    private @Nullable ByteArrayOutputStream held;
    private boolean released;

    public FirstContentFrames(DataBufferFactory buffers) {
        this.buffers = buffers;
    }

    /** The frames to write for {@code event}, given what the surface wrote for it. */
    public List<DataBuffer> pass(StreamEvent event, List<DataBuffer> written) {
        if (released) {
            return written;
        }
        if (!endsCommit(event)) {
            hold(written);
            return List.of();
        }
        released = true;
        if (held == null && written.size() < 2) {
            return written;
        }
        hold(written);
        return List.of(takeHeld());
    }

    /** The last frame of a stream that failed, after whatever was held. */
    public DataBuffer withHeld(DataBuffer last) {
        if (held == null) {
            return last;
        }
        hold(List.of(last));
        return takeHeld();
    }

    private void hold(List<DataBuffer> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (held == null) {
                held = new ByteArrayOutputStream(512);
            }
            held.writeBytes(JsonBodies.copyAndRelease(frames.get(i)));
        }
    }

    private DataBuffer takeHeld() {
        byte[] joined = held.toByteArray();
        held = null;
        return buffers.wrap(joined);
    }

    /** Whether the event is the first content (or what ends a stream without one), which commits the frames. */
    static boolean endsCommit(StreamEvent event) {
        if (event instanceof StreamEvent.Relay relay) {
            return relay.meaning() != null && endsCommit(relay.meaning());
        }
        return event instanceof StreamEvent.Text || event instanceof StreamEvent.ToolCallDelta
                || event instanceof StreamEvent.Reasoning || event instanceof StreamEvent.Refusal
                || event instanceof StreamEvent.Done;
    }
}
