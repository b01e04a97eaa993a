-- Provider keys added or removed at runtime (POST /admin/providers/{provider}/keys, .../keys/remove), kept so
-- they survive a restart and reach every instance. Only with a master key (SWITCHBOARD_MASTER_KEY): an added
-- key is stored encrypted (AES-256-GCM, the provider and fingerprint authenticated with it), never in plain
-- text; a removed one leaves only its fingerprint, alias and the time, so it stays out after a restart even
-- when the configuration still names it. One row per (provider, key fingerprint); never deleted.
create table provider_key (
    provider        varchar(64)  not null,
    key_fingerprint varchar(32)  not null,
    key_alias       varchar(128) not null,
    action          varchar(8)   not null check (action in ('added', 'removed')),
    algorithm       varchar(16),
    nonce           bytea,
    ciphertext      bytea,
    priority        integer      not null default 100,
    daily_limit     bigint       not null default 0,
    updated_at      timestamptz  not null,
    primary key (provider, key_fingerprint),
    check (action = 'removed' or (algorithm is not null and nonce is not null and ciphertext is not null))
);
