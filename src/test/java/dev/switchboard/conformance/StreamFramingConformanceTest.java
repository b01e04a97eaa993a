package dev.switchboard.conformance;

import static dev.switchboard.testsupport.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.chat.Usage;
import dev.switchboard.chat.WireFormat;
import dev.switchboard.testsupport.FakeUpstream;
import dev.switchboard.testsupport.FakeUpstream.Script;
import dev.switchboard.testsupport.Gateway;
import dev.switchboard.testsupport.Seen;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance cases about SSE framing under TCP fragmentation: 23, 24, 25, and the same fragmentation for
 * every wire format. Each write of the fake arrives as its own read (its own HTTP chunk).
 */
class StreamFramingConformanceTest {

    private final FakeUpstream fake = FakeUpstream.start();
    private final Gateway gateway = new Gateway(
            Gateway.provider("openai", WireFormat.OPENAI, fake.url("/v1"), "sk-one", "sk-two"),
            Gateway.provider("claude", WireFormat.ANTHROPIC, fake.url("/v1"), "sk-ant-one"),
            Gateway.provider("gemini", WireFormat.GEMINI, fake.url("/v1beta"), "AIza-one"));

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void case23_truncatedJsonSplit_isReassembledIdenticallyToTheUnsplitStream() {
        String crlf = OPENAI_HAPPY.replace("\n", "\r\n");
        String hello = openAiText("Hello").replace("\n", "\r\n");
        int eventStart = crlf.indexOf(hello);
        int insidePrefix = eventStart + 2;                                // "da" | "ta: {"
        int insideString = crlf.indexOf("\"Hello\"", eventStart) + 4;    // "\"Hel" | "lo\""
        int betweenCrAndLf = eventStart + hello.indexOf('\r') + 1;       // "}\r" | "\n\r\n"
        fake.on("sk-one", Script.sse().writeInPieces(crlf, insidePrefix, insideString, betweenCrAndLf));
        fake.on("sk-two", Script.sse().write(crlf));

        Seen split = Seen.of(gateway.stream("openai"));
        Seen whole = Seen.of(gateway.stream("openai"));

        assertThat(split.route().key()).isEqualTo("openai#1");
        assertThat(whole.route().key()).isEqualTo("openai#2");
        assertThat(split.deltas()).containsExactly("Hello", "!").isEqualTo(whole.deltas());
        assertThat(split.result().usage()).isEqualTo(new Usage(8, 2, 10, false)).isEqualTo(whole.result().usage());
        assertThat(split.result().finishReason()).isEqualTo("stop").isEqualTo(whole.result().finishReason());
    }

    @Test
    void case24_utf8Split_multiByteCharactersSplitAcrossWritesArriveIntact() {
        byte[] stream = (OPENAI_ROLE + openAiText("é🙂") + OPENAI_FINISH + DONE).getBytes(StandardCharsets.UTF_8);
        int e = indexOf(stream, new byte[] {(byte) 0xC3, (byte) 0xA9});
        int smile = indexOf(stream, new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x99, (byte) 0x82});
        fake.on("sk-one", Script.sse().writeInPieces(stream, e + 1, smile + 1));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.text()).isEqualTo("é🙂").doesNotContain("\uFFFD");
    }

    @Test
    void case25_manyEventsOneWrite_allDispatchInOrderAndMultiLineDataIsJoined() {
        String twoDataLines = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\n"
                + "data: \"delta\":{\"content\":\" six\"},\"finish_reason\":null}]}\n\n";
        fake.on("sk-one", Script.sse().write(OPENAI_ROLE + openAiText("one") + ": keep-alive\n\n" + openAiText(" two")
                + openAiText(" three") + openAiText(" four") + openAiText(" five")).write(twoDataLines)
                .write(OPENAI_FINISH + DONE));

        Seen seen = Seen.of(gateway.stream("openai"));

        assertThat(seen.deltas()).containsExactly("one", " two", " three", " four", " five", " six");
    }

    @Test
    void anthropicEventsSplitInsideEventAndDataLinesAreReassembled() {
        String stream = ANTHROPIC_HAPPY.replace("\n", "\r\n");
        int delta = stream.indexOf("event: content_block_delta");
        int insideEventName = delta + 10;
        int betweenEventAndData = stream.indexOf("\r\n", delta) + 1;
        int insideText = stream.indexOf("\"Hello\"", delta) + 3;
        fake.on("sk-ant-one", Script.sse().writeInPieces(stream, insideEventName, betweenEventAndData, insideText));

        Seen seen = Seen.of(gateway.stream("claude"));

        assertThat(seen.deltas()).containsExactly("Hello", "!");
        assertThat(seen.result().usage()).isEqualTo(new Usage(25, 15, 40, false));
    }

    @Test
    void geminiChunksSplitAcrossWritesIncludingTheCrLfSeparatorAreReassembled() {
        byte[] stream = geminiStream("\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        int japanese = indexOf(stream, "ジ".getBytes(StandardCharsets.UTF_8));
        int separator = indexOf(stream, "\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        fake.on("AIza-one", Script.sse().writeInPieces(stream, 3, separator + 1, separator + 3, japanese + 2));

        Seen seen = Seen.of(gateway.stream("gemini"));

        assertThat(seen.text()).isEqualTo(GEMINI_TEXT);
        assertThat(seen.result().usage()).isEqualTo(new Usage(10, 49, 59, false));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("bytes not found");
    }
}
