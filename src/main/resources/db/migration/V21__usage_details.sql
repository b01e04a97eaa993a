-- What the provider reported beyond prompt and completion tokens (issue: full Chat Completions fidelity):
-- prompt tokens read from and written to the provider's prompt cache, reasoning tokens, tool calls in the
-- answers, and image inputs sent. Added to atomically like the other counters.
alter table usage_daily
    add column cached_tokens      bigint not null default 0,
    add column cache_write_tokens bigint not null default 0,
    add column reasoning_tokens   bigint not null default 0,
    add column tool_calls         bigint not null default 0,
    add column image_inputs       bigint not null default 0;
