package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class OpenAiChunkScannerTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {
        // the simulator's and OpenAI's chunks, as they come
        "{\"id\":\"chatcmpl-sim1\",\"object\":\"chat.completion.chunk\",\"created\":1796430249,\"model\":\"sim-stream\","
                + "\"system_fingerprint\":\"fp_simulator\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"chatcmpl-sim1\",\"object\":\"chat.completion.chunk\",\"created\":1796430249,\"model\":\"sim-stream\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Simulated \"},\"logprobs\":null,"
                + "\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
        "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":50,\"total_tokens\":52,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":7,\"accepted_prediction_tokens\":0}}}",
        // escapes in text, unknown members of every shape, white space
        " { \"choices\" : [ { \"index\" : 1 , \"delta\" : { \"content\" : \"line\\none \\\"q\\\" \\\\ \\/ \\t\\u00e9\\ud83d\\ude00\" } } ] } ",
        "{\"obfuscation\":\"x\",\"extra\":{\"a\":[1,-2.5e+3,true,false,null,{\"b\":[]},{}],\"c\":-0},\"choices\":null}",
        // tool-call fragments and reasoning in both spellings
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"ci\"}}]}}]}",
        "{\"choices\":[{\"index\":1,\"delta\":{\"reasoning\":\"r\",\"reasoning_content\":\"rc\",\"refusal\":\"No.\"}}]}",
        "{\"choices\":[{\"delta\":null,\"index\":null,\"finish_reason\":null}],\"usage\":{\"prompt_tokens_details\":null}}",
        "{}"
    })
    void readsTheUsualChunksAsJacksonReadsThem(String data) {
        byte[] bytes = utf8(data);

        assertThat(OpenAiChunkScanner.scan(bytes)).isNotNull()
                .isEqualTo(OpenAiAnswerReader.readChunkWithJackson(json, bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // what Jackson reads differently or fails on: errors, Groq's extension, coercions, a message
        "{\"error\":{\"message\":\"Rate limit\",\"code\":429}}",
        "{\"error\":null,\"choices\":[]}",
        "{\"choices\":[],\"x_groq\":{\"id\":\"req_1\"}}",
        "{\"choices\":[{\"index\":\"0\",\"delta\":{}}]}",
        "{\"choices\":[{\"index\":0.0,\"delta\":{}}]}",
        "{\"choices\":[{\"index\":12345678901,\"delta\":{}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":7}}]}",
        "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\"}}]}",
        // not ASCII, escaped names, malformed JSON
        "{\"choices\":[{\"delta\":{\"content\":\"é\"}}]}",
        "{\"id\":\"é\",\"choices\":[]}",
        "{\"cho\\u0069ces\":[]}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\\x\"}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"tab\there\"}}]}",
        "{\"choices\":[}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":tru}",
        "{\"a\":truex}",
        "{\"a\":[1,]}",
        "{\"a\":1,}",
        "{\"choices\":[{\"delta\":{\"content\":\"unterminated",
        "[]",
        ""
    })
    void declinesWhatItDoesNotReadExactlyAsJackson(String data) {
        assertThat(OpenAiChunkScanner.scan(utf8(data))).isNull();
    }

    @Test
    void declinesNestingDeeperThanItsLimit() {
        String deep = "[".repeat(100) + "]".repeat(100);

        assertThat(OpenAiChunkScanner.scan(utf8("{\"a\":" + deep + ",\"choices\":[]}"))).isNull();
        assertThat(OpenAiChunkScanner.scan(utf8("{\"a\":[[[]]],\"choices\":[]}"))).isNotNull();
    }

    /**
     * Random chunks, whole and damaged (cut short, a byte changed, a byte dropped): whatever the scanner reads,
     * Jackson reads the same, and it never reads what Jackson fails on.
     */
    @Test
    void whateverItReadsJacksonReadsTheSame() {
        Random random = new Random(22);
        int read = 0;
        int cases = 20_000;
        for (int n = 0; n < cases; n++) {
            String chunk = new ChunkGenerator(random).chunk();
            byte[] bytes = damage(utf8(chunk), random);
            OpenAiWire.Chunk scanned = OpenAiChunkScanner.scan(bytes);
            if (scanned == null) {
                continue;
            }
            read++;
            OpenAiWire.Chunk jackson;
            try {
                jackson = OpenAiAnswerReader.readChunkWithJackson(json, bytes);
            } catch (RuntimeException e) {
                throw new AssertionError("the scanner read what Jackson fails on (" + e.getMessage() + "): "
                        + new String(bytes, StandardCharsets.UTF_8), e);
            }
            assertThat(scanned).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(jackson);
        }
        // the comparison above is worth something only if the scanner read a good share of them
        assertThat(read).isBetween(cases / 4, cases - cases / 10);
    }

    /** Half of them as they are; the rest cut short, with one byte changed, or with one byte dropped. */
    private static byte[] damage(byte[] bytes, Random random) {
        int kind = random.nextInt(6);
        if (kind < 3 || bytes.length < 2) {
            return bytes;
        }
        int at = random.nextInt(bytes.length);
        return switch (kind) {
            case 3 -> Arrays.copyOf(bytes, at);
            case 4 -> {
                byte[] changed = bytes.clone();
                String replacements = "{}[]\",:0-1.eE\\ntu\t x";
                changed[at] = (byte) replacements.charAt(random.nextInt(replacements.length()));
                yield changed;
            }
            default -> {
                byte[] dropped = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, dropped, 0, at);
                System.arraycopy(bytes, at + 1, dropped, at, bytes.length - at - 1);
                yield dropped;
            }
        };
    }

    /** Chunk-shaped JSON with the members the reader knows, unknown ones, and values of every type. */
    private record ChunkGenerator(Random random) {

        private static final List<String> TEXT = List.of("", "Hi", "a b", "q\\\"", "\\n", "\\\\", "\\/", "\\u00e9",
                "\\ud83d\\ude00", "\\t", "{\\\"a\\\":1}", "0", "null");

        String chunk() {
            StringBuilder out = new StringBuilder("{");
            member(out, "id", '"' + pick(TEXT) + '"');
            if (chance(5)) {
                member(out, "extra", value(0));
            }
            member(out, "choices", chance(8) ? "null" : array(this::choice));
            if (chance(3)) {
                member(out, "usage", chance(4) ? "null" : usage());
            }
            return close(out, '}');
        }

        private String choice() {
            StringBuilder out = new StringBuilder("{");
            member(out, "index", chance(8) ? "null" : number());
            member(out, "delta", chance(8) ? "null" : delta());
            member(out, "logprobs", "null");
            member(out, "finish_reason", text());
            return close(out, '}');
        }

        private String delta() {
            StringBuilder out = new StringBuilder("{");
            for (String name : List.of("role", "content", "refusal", "reasoning", "reasoning_content")) {
                if (chance(2)) {
                    member(out, name, text());
                }
            }
            if (chance(4)) {
                member(out, "tool_calls", chance(5) ? "null" : array(this::toolCall));
            }
            return close(out, '}');
        }

        private String toolCall() {
            StringBuilder out = new StringBuilder("{");
            member(out, "index", number());
            member(out, "id", text());
            member(out, "type", text());
            member(out, "function", chance(5) ? "null" : "{\"name\":" + text() + ",\"arguments\":" + text() + "}");
            return close(out, '}');
        }

        private String usage() {
            StringBuilder out = new StringBuilder("{");
            for (String name : List.of("prompt_tokens", "completion_tokens", "total_tokens")) {
                member(out, name, chance(6) ? "null" : number());
            }
            member(out, "prompt_tokens_details", chance(4) ? "null" : "{\"cached_tokens\":" + number() + "}");
            member(out, "completion_tokens_details", chance(4) ? "null" : "{\"reasoning_tokens\":" + number() + "}");
            return close(out, '}');
        }

        private String value(int depth) {
            int kind = random.nextInt(depth > 3 ? 4 : 6);
            return switch (kind) {
                case 0 -> text();
                case 1 -> number();
                case 2 -> pick(List.of("true", "false", "null"));
                case 3 -> pick(List.of("-0", "1.5", "2e10", "-3.25E-2", "0.0"));
                case 4 -> array(() -> value(depth + 1));
                default -> {
                    StringBuilder out = new StringBuilder("{");
                    int members = random.nextInt(3);
                    for (int k = 0; k < members; k++) {
                        member(out, "k" + k, value(depth + 1));
                    }
                    yield close(out, '}');
                }
            };
        }

        private String text() {
            return chance(6) ? "null" : chance(12) ? number() : '"' + pick(TEXT) + pick(TEXT) + '"';
        }

        private String number() {
            return chance(10) ? "1.0" : String.valueOf(random.nextInt(1000) - (chance(10) ? 1000 : 0));
        }

        private String array(Supplier<String> element) {
            StringBuilder out = new StringBuilder("[");
            int n = random.nextInt(3);
            for (int k = 0; k < n; k++) {
                out.append(element.get()).append(',');
            }
            return close(out, ']');
        }

        private void member(StringBuilder out, String name, String value) {
            out.append('"').append(name).append("\":").append(chance(10) ? " " : "").append(value).append(',');
        }

        private static String close(StringBuilder out, char end) {
            if (out.charAt(out.length() - 1) == ',') {
                out.setLength(out.length() - 1);
            }
            return out.append(end).toString();
        }

        private boolean chance(int oneIn) {
            return random.nextInt(oneIn) == 0;
        }

        private String pick(List<String> options) {
            return options.get(random.nextInt(options.size()));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
