-- Gateway clients. Their keys (sb-<id>-<secret>) are never stored: only a random per-key salt and
-- SHA-256(salt || secret). The id is the key's public part and names the client everywhere else.
create table client_key (
    id                  varchar(32)  primary key,
    name                varchar(100) not null,
    hash_algorithm      varchar(16)  not null default 'sha256',
    salt                bytea        not null,
    secret_hash         bytea        not null,
    requests_per_minute integer      not null default 0,
    daily_requests      bigint       not null default 0,
    daily_tokens        bigint       not null default 0,
    created_at          timestamptz  not null,
    revoked_at          timestamptz
);

-- Chat requests and tokens per client per UTC day, added to by every instance (daily budgets).
create table client_usage_daily (
    day        date        not null,
    client_id  varchar(32) not null,
    requests   bigint      not null default 0,
    tokens     bigint      not null default 0,
    updated_at timestamptz not null default now(),
    primary key (day, client_id)
);
