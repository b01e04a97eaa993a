-- The trace a request belongs to (issue 24: OpenTelemetry traces), when tracing is on: the 32 hex digits of
-- its W3C trace id, the one in X-Trace-Id and in the spans the gateway exports. Null with tracing off.
alter table request_log add column trace_id varchar(32);
