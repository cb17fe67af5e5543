-- The W3C trace context the event was delivered with: one trace from the REST call to here.
alter table audit_log add column traceparent varchar(64);
