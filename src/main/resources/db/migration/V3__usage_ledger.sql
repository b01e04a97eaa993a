-- Usage per UTC day, provider, key alias and model: one row per combination, added to atomically by
-- every instance. Attempts are counted here (a request with a fallback adds to two rows).
create table usage_daily (
    day                  date         not null,
    provider             varchar(64)  not null,
    key_alias            varchar(128) not null,
    model                varchar(200) not null,
    requests             bigint       not null default 0,
    successes            bigint       not null default 0,
    cancelled            bigint       not null default 0,
    failed_rate_limited  bigint       not null default 0,
    failed_invalid_key   bigint       not null default 0,
    failed_quota         bigint       not null default 0,
    failed_server_error  bigint       not null default 0,
    failed_overloaded    bigint       not null default 0,
    failed_network       bigint       not null default 0,
    failed_timeout       bigint       not null default 0,
    failed_bad_request   bigint       not null default 0,
    prompt_tokens        bigint       not null default 0,
    completion_tokens    bigint       not null default 0,
    estimated_tokens     bigint       not null default 0,
    total_latency_ms     bigint       not null default 0,
    updated_at           timestamptz  not null default now(),
    primary key (day, provider, key_alias, model)
);

-- Requests per UTC day, surface, path and outcome: the totals status pages show, shared by instances
-- and kept however long the request log is retained.
create table requests_daily (
    day               date         not null,
    surface           varchar(16)  not null,
    path              varchar(16)  not null,
    outcome           varchar(16)  not null,
    requests          bigint       not null default 0,
    total_latency_ms  bigint       not null default 0,
    prompt_tokens     bigint       not null default 0,
    completion_tokens bigint       not null default 0,
    updated_at        timestamptz  not null default now(),
    primary key (day, surface, path, outcome)
);

-- The request log grows into the full record of a request.
alter table request_log
    add column client         varchar(128) not null default 'anonymous',
    add column finish_reason  varchar(32),
    add column total_tokens   integer,
    add column fallback_chain jsonb,
    add column response_text  text,
    add column metadata       jsonb;

create index request_log_provider_created_at on request_log (provider, created_at);
create index request_log_client_created_at on request_log (client, created_at);
