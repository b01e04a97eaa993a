-- The request log's two documents as `json`, not `jsonb` (issue 22: performance; docs/PERFORMANCE.md, "The
-- request log's documents as json"). At saturation PostgreSQL spent 29 % of its CPU on the request log converting
-- these documents to `jsonb` (parsing them into a tree, sorting each object's keys, turning each number into a
-- `numeric`), about 3.7 µs a request on the cores the gateway shares with it. `json` keeps the text as written and
-- only checks that it is valid JSON. The log is written once a request and read rarely: nothing filters, joins or
-- indexes on these columns (their statistics are off since V36), and the analytics query reads the chain with
-- `json_array_elements`, which parses each row's text as it goes. The documents read back exactly as the gateway
-- wrote them, their keys in the order written.
--
-- Changing the type rewrites the table and its indexes once, holding the table's lock meanwhile; the retention
-- job keeps the log to its configured days. Other instances still running keep their rows in their write-behind
-- buffers meanwhile (up to switchboard.usage.buffer-capacity) and write them after.
alter table request_log
    alter column fallback_chain type json using fallback_chain::json,
    alter column metadata type json using metadata::json;
