-- The response cache's shared tier (issue 20): answers every instance can serve. The key is the client
-- namespace and a hash of the whole canonical request; times are the gateway's clock (a stale answer is
-- never served: reads check expires_at; the sweeper deletes expired rows).
create table response_cache (
    key        text        primary key,
    namespace  text        not null,
    answer     jsonb       not null,
    bytes      integer     not null,
    created_at timestamptz not null,
    expires_at timestamptz not null
);

create index response_cache_expiry on response_cache (expires_at);
