package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class LogDocumentsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private static byte[] numbered(LogDocuments documents, int n) {
        return documents.write(g -> {
            g.writeStartObject();
            g.writeNumberProperty("n", n);
            g.writeStringProperty("text", "doc " + n);
            g.writeEndObject();
        });
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void documentsWrittenOneAfterAnotherComeOutEachWholeWithNothingBetweenThem() {
        LogDocuments documents = new LogDocuments(json);

        List<String> written = IntStream.range(0, 3).mapToObj(n -> text(numbered(documents, n))).toList();

        assertThat(written).containsExactly("{\"n\":0,\"text\":\"doc 0\"}", "{\"n\":1,\"text\":\"doc 1\"}",
                "{\"n\":2,\"text\":\"doc 2\"}");
    }

    @Test
    void aDocumentThatFailsMidWayLeavesTheNextOneWhole() {
        LogDocuments documents = new LogDocuments(json);
        numbered(documents, 0);

        assertThatThrownBy(() -> documents.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("half", "written");
            throw new IllegalStateException("a value could not be read");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(text(numbered(documents, 1))).isEqualTo("{\"n\":1,\"text\":\"doc 1\"}");
    }

    @Test
    void aGeneratorReplacedAfterItsDocumentsGoesOnWritingWholeOnes() {
        LogDocuments documents = new LogDocuments(json, 2);

        List<String> written = IntStream.range(0, 7).mapToObj(n -> text(numbered(documents, n))).toList();

        assertThat(written).hasSize(7).allSatisfy(doc -> assertThat(json.readTree(doc).path("n").isInt()).isTrue());
        assertThat(written.get(6)).isEqualTo("{\"n\":6,\"text\":\"doc 6\"}");
    }

    @Test
    void threadsWritingAtOnceEachGetTheirOwnDocuments() throws Exception {
        LogDocuments documents = new LogDocuments(json);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<CompletableFuture<List<String>>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 10_000;
            threads.add(CompletableFuture.supplyAsync(() -> IntStream.range(base, base + 2_000)
                    .mapToObj(n -> text(numbered(documents, n))).toList(), pool));
        }
        pool.shutdown();

        for (int t = 0; t < 4; t++) {
            List<String> written = threads.get(t).get(10, TimeUnit.SECONDS);
            int base = t * 10_000;
            assertThat(written).hasSize(2_000);
            for (int i = 0; i < written.size(); i++) {
                assertThat(written.get(i)).isEqualTo("{\"n\":" + (base + i) + ",\"text\":\"doc " + (base + i) + "\"}");
            }
        }
    }
}
