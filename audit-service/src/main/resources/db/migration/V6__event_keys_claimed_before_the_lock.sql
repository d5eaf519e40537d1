-- The deduplication key (source + id) moves from a unique constraint on audit_event to a table of its own, written
-- before the log's head lock (session 11). Appends take turns on that lock, so whatever is written while holding it
-- bounds the ingest rate, and the unique B-tree on source + id, whose inserts land anywhere in the index, was the
-- costliest of audit_event's indexes (bench/audit-ingest, session 10). An append claims its events' keys in its own
-- transaction: a key stands in audit_event_key exactly when its event stands in audit_event (both commit or roll
-- back together), and PostgreSQL makes a second append that claims the same key wait for the first to end.
create table audit_event_key (
    source   text not null,
    event_id text not null,
    constraint audit_event_key_pkey primary key (source, event_id)
);

insert into audit_event_key (source, event_id) select source, event_id from audit_event;

alter table audit_event drop constraint audit_event_source_event_id_key;
