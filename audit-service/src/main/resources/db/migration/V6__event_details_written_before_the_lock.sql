-- audit_event keeps only what its indexes and the Merkle tree need; the rest of each event moves to
-- audit_event_detail, written before the log's head lock (session 11). Appends take turns on that lock, so whatever
-- is written while holding it bounds the ingest rate (bench/audit-ingest). Two things were written under it that need
-- no sequence number: the unique B-tree on source + id, whose inserts land anywhere in the index (the costliest of
-- audit_event's indexes, session 10), and some 700 bytes per row of columns that no index reads (the attributes, the
-- data's digest, the Kafka coordinates). Both now go into audit_event_detail, keyed by the payload_id the event gets
-- before the lock (V5), in the append's own transaction: a detail row stands exactly when its event stands in the log,
-- and a second append writing the same source + id waits for the first to end, then meets the unique constraint.
create table audit_event_detail (
    payload_id        bigint      primary key,
    source            text        not null,
    event_id          text        not null,
    data_content_type text,
    data_sha256       char(64)    not null,
    data_size         integer     not null,
    attributes        text        not null,
    retention_class   text        not null,
    kafka_topic       text        not null,
    kafka_partition   integer     not null,
    kafka_offset      bigint      not null,
    kafka_key         text,
    constraint audit_event_detail_source_event_id_key unique (source, event_id)
);

insert into audit_event_detail (payload_id, source, event_id, data_content_type, data_sha256, data_size, attributes,
                                retention_class, kafka_topic, kafka_partition, kafka_offset, kafka_key)
select payload_id, source, event_id, data_content_type, data_sha256, data_size, attributes,
       retention_class, kafka_topic, kafka_partition, kafka_offset, kafka_key
  from audit_event;

alter table audit_event
    drop constraint audit_event_source_event_id_key,
    drop column source,
    drop column event_id,
    drop column data_content_type,
    drop column data_sha256,
    drop column data_size,
    drop column attributes,
    drop column retention_class,
    drop column kafka_topic,
    drop column kafka_partition,
    drop column kafka_offset,
    drop column kafka_key;
