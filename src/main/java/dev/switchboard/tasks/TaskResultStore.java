package dev.switchboard.tasks;

import dev.switchboard.config.TaskProperties;
import dev.switchboard.config.TaskResultProperties;
import dev.switchboard.database.PostgresText;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Task records in PostgreSQL ({@code task_result}), over R2DBC. Unlike the request log, a record is
 * written before the answer goes out (the caller gets its id and may read it back at once). A failed
 * write does not lose the answer: it is logged and the answer says {@code metadata.stored: false}.
 *
 * <p>Each record belongs to the client that asked; reads name the reader's client, or none for the admin
 * token, which sees all. Records older than the retention ({@code switchboard.tasks.results.retention}) are
 * no longer read or listed, from the moment they expire (by the {@link Clock}), whether or not the sweep
 * ({@link TaskResultRetention}) has deleted them yet.
 */
public final class TaskResultStore {

    private static final Logger log = LoggerFactory.getLogger(TaskResultStore.class);
    private static final Pattern POSSIBLE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<FallbackStep>> STEPS = new TypeReference<>() { };
    private static final String COLUMNS = "id, created_at, request_id, task_type, success, input_type, input_data, "
            + "provider, model, response, parsed, prompt_tokens, completion_tokens, total_tokens, usage_estimated, "
            + "response_time_ms, error_message, metadata, fallback_chain, total_attempts, client_id";
    private static final int INPUT_PREVIEW = 200;

    private final DatabaseClient database;
    private final JsonMapper json;
    private final boolean storeInputText;
    private final boolean storeResponseText;
    private final Clock clock;
    private final TaskResultProperties results;

    public TaskResultStore(DatabaseClient database, JsonMapper json, TaskProperties properties, Clock clock,
            TaskResultProperties results) {
        this.database = database;
        this.json = json;
        this.storeInputText = properties.storeInputText();
        this.storeResponseText = properties.storeResponseText();
        this.clock = clock;
        this.results = results;
    }

    /** Inserts the record; answers it with {@code metadata.stored} telling whether that worked. */
    public Mono<TaskRecord> save(TaskRecord record) {
        return insert(record)
                .thenReturn(record.withMetadata("stored", true))
                .onErrorResume(e -> {
                    log.error("Task record {} could not be stored: {}", record.id(), e.toString());
                    return Mono.just(record.withMetadata("stored", false));
                });
    }

    /**
     * The record {@code id}, if it exists, has not expired and belongs to {@code owner}; any owner's when
     * {@code owner} is null (the admin token).
     */
    public Mono<TaskRecord> find(String id, @Nullable String owner) {
        if (!POSSIBLE_ID.matcher(id).matches()) {
            // no such record can exist; and PostgreSQL refuses some characters (NUL) outright
            return Mono.empty();
        }
        return database.sql("select " + COLUMNS + " from task_result where id = :id and created_at >= :cutoff"
                        + (owner == null ? "" : " and client_id = :client"))
                .bind("id", id)
                .bind("cutoff", cutoff())
                .bindValues(owner == null ? Map.of() : Map.of("client", PostgresText.text(owner)))
                .map(this::read)
                .one();
    }

    /** Which records to list: filters (null: any), then a page of them, newest first. */
    public record ResultQuery(@Nullable String owner, @Nullable String taskType, @Nullable Instant from,
            @Nullable Instant to, int page, int size) {
    }

    /**
     * A page of summaries (no answer text, no fallback chain: {@code GET /results/{id}} has those), newest first:
     * {@code page}, {@code size}, {@code total}, {@code items}.
     */
    public Mono<Map<String, Object>> list(ResultQuery query) {
        StringBuilder where = new StringBuilder(" where created_at >= :cutoff");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("cutoff", cutoff());
        if (query.owner() != null) {
            where.append(" and client_id = :client");
            params.put("client", PostgresText.text(query.owner()));
        }
        if (query.taskType() != null) {
            where.append(" and task_type = :taskType");
            params.put("taskType", PostgresText.text(query.taskType()));
        }
        if (query.from() != null) {
            where.append(" and created_at >= :from");
            params.put("from", query.from());
        }
        if (query.to() != null) {
            where.append(" and created_at < :to");
            params.put("to", query.to());
        }
        Mono<Long> total = database.sql("select count(*) as n from task_result" + where).bindValues(params)
                .map(row -> row.get("n", Long.class)).one().defaultIfEmpty(0L);
        Mono<List<Map<String, Object>>> items = database.sql("select id, created_at, task_type, success, input_type, "
                        + "left(input_data, " + INPUT_PREVIEW + ") as input_preview, provider, model, prompt_tokens, "
                        + "completion_tokens, total_tokens, response_time_ms, metadata->>'error_code' as error_code, "
                        + "total_attempts, client_id from task_result" + where
                        + " order by created_at desc, id desc limit :limit offset :offset")
                .bindValues(params)
                .bind("limit", query.size())
                .bind("offset", (long) query.page() * query.size())
                .map(this::summary)
                .all().collectList();
        return Mono.zip(total, items).map(t -> {
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("page", query.page());
            page.put("size", query.size());
            page.put("total", t.getT1());
            page.put("items", t.getT2());
            return page;
        });
    }

    /** Deletes the records created before {@code cutoff}; answers how many. */
    public Mono<Long> deleteCreatedBefore(Instant cutoff) {
        return database.sql("delete from task_result where created_at < :cutoff").bind("cutoff", cutoff)
                .fetch().rowsUpdated();
    }

    /** Records created before this have expired; the distant past when results are kept for ever. */
    private Instant cutoff() {
        return results.expires() ? clock.instant().minus(results.retention()) : Instant.EPOCH;
    }

    private Map<String, Object> summary(Readable row) {
        Map<String, Object> item = new LinkedHashMap<>();
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        Instant createdAt = created == null ? Instant.EPOCH : created.toInstant();
        item.put("id", row.get("id", String.class));
        item.put("created_at", createdAt);
        item.put("expires_at", results.expires() ? createdAt.plus(results.retention()) : null);
        item.put("task_type", row.get("task_type", String.class));
        item.put("success", Boolean.TRUE.equals(row.get("success", Boolean.class)));
        item.put("input_type", row.get("input_type", String.class));
        item.put("input_preview", row.get("input_preview", String.class));
        item.put("provider", row.get("provider", String.class));
        item.put("model", row.get("model", String.class));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", integer(row, "prompt_tokens"));
        usage.put("completion_tokens", integer(row, "completion_tokens"));
        usage.put("total_tokens", integer(row, "total_tokens"));
        item.put("usage", usage);
        Integer ms = row.get("response_time_ms", Integer.class);
        item.put("response_time", ms == null ? 0 : ms / 1000.0);
        item.put("error_code", row.get("error_code", String.class));
        item.put("total_attempts", integer(row, "total_attempts"));
        item.put("client", row.get("client_id", String.class));
        return item;
    }

    private Mono<Long> insert(TaskRecord r) {
        Map<String, Object> metadata = r.metadata();
        if (!storeResponseText) {
            metadata = new LinkedHashMap<>(metadata);
            metadata.put("response_stored", false);
        }
        StringBuilder placeholders = new StringBuilder();
        for (int i = 1; i <= 21; i++) {
            placeholders.append(i == 1 ? "$" : ", $").append(i);
        }
        String requestId = String.valueOf(r.metadata().get("request_id"));
        DatabaseClient.GenericExecuteSpec spec = database.sql("insert into task_result (" + COLUMNS + ") values ("
                + placeholders + ")")
                .bind(0, r.id())
                .bind(1, r.createdAt())
                .bind(2, PostgresText.text(requestId))
                .bind(3, PostgresText.text(r.taskType()))
                .bind(4, r.success())
                .bind(5, PostgresText.text(r.inputType()));
        spec = nullable(spec, 6, storeInputText || TaskJob.FILE.equals(r.inputType()) ? PostgresText.text(r.inputData()) : null, String.class);
        spec = nullable(spec, 7, PostgresText.text(r.provider()), String.class);
        spec = nullable(spec, 8, PostgresText.text(r.model()), String.class);
        spec = nullable(spec, 9, storeResponseText ? PostgresText.text(r.response()) : null, String.class);
        spec = nullable(spec, 10, storeResponseText && r.parsed() != null ? Json.of(PostgresText.json(json.writeValueAsString(r.parsed())))
                : null, Json.class);
        spec = spec.bind(11, r.usage().promptTokens())
                .bind(12, r.usage().completionTokens())
                .bind(13, r.usage().totalTokens())
                .bind(14, r.usage().estimated())
                .bind(15, (int) Math.round(r.responseTime() * 1000));
        spec = nullable(spec, 16, PostgresText.text(r.errorMessage()), String.class);
        spec = spec.bind(17, Json.of(PostgresText.json(json.writeValueAsString(metadata))))
                .bind(18, Json.of(PostgresText.json(json.writeValueAsString(r.fallbackChain()))))
                .bind(19, r.totalAttempts());
        return nullable(spec, 20, PostgresText.text(r.clientId()), String.class)
                .fetch().rowsUpdated();
    }

    private TaskRecord read(Readable row) {
        Map<String, Object> metadata = new LinkedHashMap<>(json.readValue(text(row, "metadata"), MAP));
        metadata.put("stored", true);
        Integer ms = row.get("response_time_ms", Integer.class);
        String parsed = text(row, "parsed");
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        return new TaskRecord(row.get("id", String.class), Boolean.TRUE.equals(row.get("success", Boolean.class)),
                row.get("task_type", String.class), row.get("input_type", String.class),
                row.get("input_data", String.class), row.get("provider", String.class), row.get("model", String.class),
                row.get("response", String.class), parsed == null ? null : json.readValue(parsed, JsonNode.class),
                new TaskUsage(integer(row, "prompt_tokens"), integer(row, "completion_tokens"),
                        integer(row, "total_tokens"), Boolean.TRUE.equals(row.get("usage_estimated", Boolean.class))),
                ms == null ? 0 : ms / 1000.0, row.get("error_message", String.class), metadata,
                json.readValue(text(row, "fallback_chain"), STEPS), integer(row, "total_attempts"),
                created == null ? Instant.EPOCH : created.toInstant(), row.get("client_id", String.class));
    }

    private static DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, int index,
            @Nullable Object value, Class<?> type) {
        return value == null ? spec.bindNull(index, type) : spec.bind(index, value);
    }

    private static @Nullable String text(Readable row, String column) {
        Json value = row.get(column, Json.class);
        return value == null ? null : value.asString();
    }

    private static int integer(Readable row, String column) {
        Integer value = row.get(column, Integer.class);
        return value == null ? 0 : value;
    }
}
