-- Task API (/api/v1/brain/process): one row per task that reached the providers, successful or not.
-- Read back by id through GET /api/v1/brain/results/{id}.
create table task_result (
    id                varchar(40)      primary key,
    created_at        timestamptz      not null,
    request_id        varchar(64)      not null,
    task_type         varchar(64)      not null,
    success           boolean          not null,
    input_type        varchar(8)       not null,
    input_data        text,
    provider          varchar(64),
    model             varchar(200),
    response          text,
    parsed            jsonb,
    prompt_tokens     integer          not null,
    completion_tokens integer          not null,
    total_tokens      integer          not null,
    usage_estimated   boolean          not null,
    response_time_ms  integer          not null,
    error_message     text,
    metadata          jsonb            not null,
    fallback_chain    jsonb            not null,
    total_attempts    integer          not null
);

create index task_result_created_at on task_result (created_at);
create index task_result_task_type on task_result (task_type, created_at);
