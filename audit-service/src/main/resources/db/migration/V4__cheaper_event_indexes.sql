-- Ingest cost: every appended event updates every index of audit_event. The two B-trees on time columns become
-- BRIN indexes (a few pages for the whole table, touched only when a block range's bounds move).
--
-- received_at is set when the service polls the record, so it grows with sequence: the export's
-- "first sequence received at or after" / "last received before" read few block ranges. event_time is the
-- producer's clock: nearly in order, with stragglers (a node replaying its spool after an outage); minmax-multi
-- keeps a few value intervals per block range so stragglers do not widen a range to "everything".
drop index audit_event_time_idx;
create index audit_event_time_brin on audit_event using brin (event_time timestamptz_minmax_multi_ops);

drop index audit_event_received_at_idx;
create index audit_event_received_at_brin on audit_event using brin (received_at);
