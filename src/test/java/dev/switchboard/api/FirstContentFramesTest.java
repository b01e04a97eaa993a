package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.switchboard.chat.ChatResult;
import dev.switchboard.chat.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/** {@link FirstContentFrames}: a stream's commit leaves as one frame, and everything after it as written. */
class FirstContentFramesTest {

    private final DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
    private final FirstContentFrames frames = new FirstContentFrames(buffers);

    @Test
    void relayedRoleChunkLeavesInOneFrameWithTheFirstContent() {
        assertThat(frames.pass(relay(null), written("data: role\n\n"))).isEmpty();

        List<DataBuffer> out = frames.pass(relay(new StreamEvent.Text("Hi")), written("data: Hi\n\n"));

        assertThat(texts(out)).containsExactly("data: role\n\ndata: Hi\n\n");
    }

    @Test
    void aRelayWithoutMeaningIsHeldUntilTheCanonicalContentThatFollowsIt() {
        frames.pass(relay(null), written("data: role\n\n"));
        frames.pass(relay(null), written("data: Hi\n\n"));

        List<DataBuffer> out = frames.pass(new StreamEvent.Text("Hi"), List.of());

        assertThat(texts(out)).containsExactly("data: role\n\ndata: Hi\n\n");
    }

    @Test
    void roleAndContentWrittenForOneEventBecomeOneFrame() {
        List<DataBuffer> out = frames.pass(new StreamEvent.Text("Hi"), written("data: role\n\n", "data: Hi\n\n"));

        assertThat(texts(out)).containsExactly("data: role\n\ndata: Hi\n\n");
    }

    @Test
    void framesAfterTheFirstContentPassAsWritten() {
        frames.pass(new StreamEvent.Text("Hi"), written("data: Hi\n\n"));

        List<DataBuffer> out = frames.pass(relay(null), written("data: a\n\n", "data: b\n\n"));

        assertThat(texts(out)).containsExactly("data: a\n\n", "data: b\n\n");
    }

    @Test
    void aStreamThatEndsWithoutContentGivesWhatWasHeldWithItsEnd() {
        frames.pass(relay(null), written("data: role\n\n"));

        List<DataBuffer> out = frames.pass(new StreamEvent.Done(mock(ChatResult.class)), written("data: [DONE]\n\n"));

        assertThat(texts(out)).containsExactly("data: role\n\ndata: [DONE]\n\n");
    }

    @Test
    void aStreamThatFailsGivesWhatWasHeldBeforeItsErrorFrame() {
        frames.pass(relay(null), written("data: role\n\n"));

        DataBuffer last = frames.withHeld(frame("event: error\n\n"));

        assertThat(texts(List.of(last))).containsExactly("data: role\n\nevent: error\n\n");
    }

    @Test
    void anErrorWithNothingHeldIsItsOwnFrame() {
        DataBuffer error = frame("event: error\n\n");

        assertThat(frames.withHeld(error)).isSameAs(error);
    }

    private static StreamEvent.Relay relay(StreamEvent meaning) {
        return new StreamEvent.Relay("", new byte[0], false, meaning);
    }

    private List<DataBuffer> written(String... texts) {
        return java.util.Arrays.stream(texts).map(this::frame).toList();
    }

    private DataBuffer frame(String text) {
        return buffers.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(List<DataBuffer> out) {
        return out.stream().map(buffer -> buffer.toString(StandardCharsets.UTF_8)).toList();
    }
}
