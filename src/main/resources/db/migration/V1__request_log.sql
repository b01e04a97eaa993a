-- One row per chat request, whatever its outcome.
create table request_log (
    id                varchar(64)  primary key,
    created_at        timestamptz  not null,
    surface           varchar(16)  not null,
    path              varchar(16)  not null,
    provider          varchar(64),
    model             varchar(200),
    key_alias         varchar(128),
    outcome           varchar(16)  not null,
    error_class       varchar(32),
    error_message     varchar(600),
    latency_ms        integer      not null,
    ttft_ms           integer,
    attempts          integer      not null,
    prompt_tokens     integer,
    completion_tokens integer,
    usage_estimated   boolean      not null default false
);

create index request_log_created_at on request_log (created_at);
