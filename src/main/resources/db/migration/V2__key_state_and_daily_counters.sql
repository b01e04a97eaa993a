-- The health of each key, so a key banned or cooling before a restart stays so after it.
create table key_state (
    provider             varchar(64)  not null,
    key_alias            varchar(128) not null,
    key_fingerprint      varchar(32)  not null,
    status               varchar(20)  not null,
    reason               varchar(600),
    cooldown_until       timestamptz,
    consecutive_failures integer      not null default 0,
    updated_at           timestamptz  not null,
    primary key (provider, key_alias)
);

-- Calls per UTC day per key, per (provider, model) and per provider; shared by every instance.
create table daily_counters (
    day        date         not null,
    scope      varchar(10)  not null,
    provider   varchar(64)  not null,
    name       varchar(200) not null,
    calls      bigint       not null default 0,
    updated_at timestamptz  not null default now(),
    primary key (day, scope, provider, name)
);
