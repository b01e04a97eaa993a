-- What PostgreSQL spends on each logged request (issue 22: performance; docs/PERFORMANCE.md, "The request
-- log's cost in PostgreSQL"). A profile of the database at saturation found two costs that buy nothing:
--
-- 1. The primary key compared ids with the database's collation (strcoll, for C.UTF-8 and every other libc
--    locale but C): ids are opaque, so byte order is the right order, and comparing bytes is a memcmp.
--    Changing the collation rebuilds the primary key's index (the table itself is not rewritten); on a large
--    request log the upgrade holds the table's lock for about as long as a REINDEX of that index takes. The
--    upgrading instance serves once its migrations are done; other instances still running keep their rows in
--    their write-behind buffers meanwhile (up to switchboard.usage.buffer-capacity) and write them after.
-- 2. ANALYZE (run by autovacuum as the log grows) sorted sampled JSON documents and long texts to build
--    statistics no query uses: nothing filters or joins on these columns. Their statistics target is now
--    0, so ANALYZE skips them; the columns queries do filter on keep theirs.
alter table request_log alter column id type varchar(64) collate "C";

alter table request_log
    alter column fallback_chain set statistics 0,
    alter column metadata set statistics 0,
    alter column response_text set statistics 0,
    alter column error_message set statistics 0;
