package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatChunkTest {

    private static final byte[] DATA = "{\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final ChatChunk.Relay EVENT = new ChatChunk.Relay("", DATA, false);

    @Test
    void aRelayedEventThatMeansOneThingCarriesItAsOneChunk() {
        ChatChunk.Delta text = new ChatChunk.Delta(0, "Hi");

        List<ChatChunk> chunks = ChatChunk.relayed(EVENT, List.of(text, ChatChunk.KeepAlive.INSTANCE));

        assertThat(chunks).containsExactly(new ChatChunk.Relay("", DATA, false, text));
        assertThat(chunks.get(0).isContent()).isTrue();
    }

    @Test
    void aRelayedEventThatMeansSeveralThingsComesFirstAndTheyFollowIt() {
        ChatChunk.Delta text = new ChatChunk.Delta(0, "Hi");
        ChatChunk.Finish finish = new ChatChunk.Finish(0, "stop");

        assertThat(ChatChunk.relayed(EVENT, List.of(text, finish))).containsExactly(EVENT, text, finish);
    }

    @Test
    void aRelayedEventThatMeansNothingComesAloneAndIsNoContent() {
        assertThat(ChatChunk.relayed(EVENT, List.of(ChatChunk.KeepAlive.INSTANCE))).containsExactly(EVENT);
        assertThat(EVENT.isContent()).isFalse();
    }

    @Test
    void aRelayedEventIsContentOnlyWhenWhatItCarriesIs() {
        ChatChunk.UsageReport usage = new ChatChunk.UsageReport(new Usage(3, 4, 7, false));

        assertThat(ChatChunk.relayed(EVENT, List.of(usage)).get(0).isContent()).isFalse();
        assertThat(ChatChunk.relayed(EVENT, List.of(new ChatChunk.Finish(0, "stop"))).get(0).isContent()).isTrue();
    }
}
