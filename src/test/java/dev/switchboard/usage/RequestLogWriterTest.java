package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The write-behind's lanes against a scripted {@code COPY}: each batch the writer sends is held open until
 * the test answers it, so what is in flight at once is observable. The real {@code COPY} against PostgreSQL
 * is {@code LedgerIT}'s.
 */
class RequestLogWriterTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    /** The batches sent, in order, each with the sink that answers it. */
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    private record Sent(List<RequestLogRow> rows, Sinks.One<Long> answer) {
        void land() {
            answer.tryEmitValue((long) rows.size());
        }

        void fail() {
            answer.tryEmitError(new DataAccessResourceFailureException("connection lost"));
        }
    }

    private RequestLogWriter writer(int lanes) {
        return new RequestLogWriter(null, rows -> {
            Sinks.One<Long> answer = Sinks.one();
            sent.add(new Sent(List.copyOf(rows), answer));
            return answer.asMono();
        }, 1_000, 10, Duration.ofMillis(200), lanes);
    }

    private static void enqueue(RequestLogWriter writer, int rows) {
        for (int i = 0; i < rows; i++) {
            writer.enqueue(new RequestLogRow("req_" + i, Instant.EPOCH, "test", "sync", "model", null, null, null,
                    "succeeded", null, null, 1, null, 1, null, null, null, false, null, null, null, null, null));
        }
    }

    @Test
    void whileAFullBatchWaitsTwoBatchesAreWrittenAtOnce() {
        RequestLogWriter writer = writer(2);
        enqueue(writer, 35);

        StepVerifier.create(writer.drain())
                .then(() -> assertThat(sent).hasSize(2))
                .then(() -> sent.get(0).land())
                .then(() -> assertThat(sent).hasSize(3))
                .then(() -> sent.get(1).land())
                .then(() -> sent.get(2).land())
                .expectComplete()
                .verify(BOUND);

        assertThat(sent).extracting(s -> s.rows().size()).containsExactly(10, 10, 10);
        assertThat(writer.written()).isEqualTo(30);
        assertThat(writer.depth()).isEqualTo(5);
    }

    @Test
    void aQuietTickWritesItsPartBatchOnOneLane() {
        RequestLogWriter writer = writer(2);
        enqueue(writer, 4);

        StepVerifier.create(writer.drain())
                .then(() -> assertThat(sent).hasSize(1))
                .then(() -> sent.get(0).land())
                .expectComplete()
                .verify(BOUND);

        assertThat(writer.written()).isEqualTo(4);
        assertThat(writer.depth()).isZero();
    }

    @Test
    void aBatchThatFailedIsRetriedByItsOwnLaneAndCountedUntilItLands() {
        RequestLogWriter writer = writer(2);
        enqueue(writer, 20);

        StepVerifier.create(writer.drain())
                .then(() -> sent.get(0).land())
                .then(() -> sent.get(1).fail())
                .expectComplete()
                .verify(BOUND);
        assertThat(writer.written()).isEqualTo(10);
        assertThat(writer.depth()).as("the failed batch still waits").isEqualTo(10);

        enqueue(writer, 3);
        StepVerifier.create(writer.flushAll())
                .then(() -> assertThat(sent).hasSize(4))
                .then(() -> sent.get(2).land())
                .then(() -> sent.get(3).land())
                .expectComplete()
                .verify(BOUND);

        assertThat(sent.get(2).rows()).as("the first lane takes the new rows").hasSize(3);
        assertThat(sent.get(3).rows()).as("the second lane retries its own batch").isEqualTo(sent.get(1).rows());
        assertThat(writer.written()).isEqualTo(23);
        assertThat(writer.depth()).isZero();
    }

    @Test
    void aFullBufferDropsAndCountsWhatDoesNotFitWhileBatchesAreInFlight() {
        RequestLogWriter writer = new RequestLogWriter(null, rows -> Mono.never(), 25, 10, Duration.ofMillis(200), 2);
        enqueue(writer, 25);
        writer.drain().subscribe();

        assertThat(writer.depth()).as("20 in flight, 5 queued").isEqualTo(25);
        enqueue(writer, 3);
        assertThat(writer.dropped()).isEqualTo(3);
    }
}
