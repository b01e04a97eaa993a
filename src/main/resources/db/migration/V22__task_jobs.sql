-- Background task jobs (issue 20): the queue is this table, shared by every instance on the database.
-- Workers claim queued rows with SELECT ... FOR UPDATE SKIP LOCKED (priority first, then age), hold a lease
-- they renew, and finish a row only while they still own it (lease_owner and attempts fence a retaken job).
-- Lease times are the database's clock, the one clock every instance shares.
-- The request (the validated task, text already extracted from an upload) is kept only while the job can
-- still run; a finished job keeps its outcome and the id of its task record.
create table task_job (
    id          text        primary key,
    client_id   text        not null,
    status      text        not null default 'queued'
                constraint task_job_status check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    priority    smallint    not null default 5,
    task_type   text        not null,
    request     jsonb,
    created_at  timestamptz not null default now(),
    started_at  timestamptz,
    finished_at timestamptz,
    attempts    integer     not null default 0,
    -- a queued job is not claimed before this (its client's limits refused the last start)
    run_after   timestamptz,
    lease_owner text,
    lease_until timestamptz,
    result_id   text,
    error       text
);

-- what a worker claims next
create index task_job_claim on task_job (priority desc, created_at) where status = 'queued';
-- leases that may have run out
create index task_job_leases on task_job (lease_until) where status = 'running';
-- a client's jobs, newest first
create index task_job_client on task_job (client_id, created_at desc);
-- retention
create index task_job_finished on task_job (finished_at) where finished_at is not null;
