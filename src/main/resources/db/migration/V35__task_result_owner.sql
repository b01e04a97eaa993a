-- Task results belong to the client that asked: GET /api/v1/brain/results lists a client's own, and
-- GET /api/v1/brain/results/{id} reads only its own (the admin token sees every result).
-- Rows stored before this migration have no recorded owner (null): only the admin token sees them.
alter table task_result add column client_id varchar(64);

create index task_result_client on task_result (client_id, created_at);
