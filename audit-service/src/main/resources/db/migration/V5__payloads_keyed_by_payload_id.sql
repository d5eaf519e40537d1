-- Payloads are written before the log's head lock (session 10): appends take turns on that lock, so whatever is
-- written while holding it bounds the ingest rate, and a payload is the largest row of an event. Before the lock
-- the event's sequence number is not known yet, so a payload is keyed by its own payload_id, drawn from a
-- sequence (gaps allowed: a rolled-back append leaves some), which its audit_event row names.
-- Existing payloads keep their key: their payload_id is their event's sequence number.
alter table audit_event add column payload_id bigint;
update audit_event set payload_id = sequence;
alter table audit_event alter column payload_id set not null;

alter table audit_payload rename column sequence to payload_id;
alter index audit_payload_sequence_idx rename to audit_payload_payload_id_idx;

create sequence audit_payload_id_seq as bigint;
select setval('audit_payload_id_seq', coalesce((select max(payload_id) from audit_event), 0) + 1, false);
