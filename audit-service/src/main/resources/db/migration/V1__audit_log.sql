-- The head of the append-only audit log: how many events it holds. Appending locks this row, so
-- every event gets the next sequence number with no gaps, whatever the number of consumers.
create table audit_log_head (
    id   smallint primary key default 1 check (id = 1),
    size bigint   not null
);
insert into audit_log_head (id, size) values (1, 0);

-- One row per distinct CloudEvent (source + id), in the order it entered the log.
-- sequence is 1-based: after appending event n the log holds n events; its Merkle leaf index is n - 1.
-- data holds the event data exactly as received (never re-serialised) so hashes stay verifiable;
-- attributes holds every Kafka header as received, as a JSON array of [name, value] pairs.
create table audit_event (
    sequence          bigint primary key,
    event_id          text        not null,
    source            text        not null,
    type              text        not null,
    subject           text,
    event_time        timestamptz not null,
    organization      text,
    actor             text,
    data_content_type text,
    data              bytea,
    data_sha256       char(64)    not null,
    attributes        text        not null,
    received_at       timestamptz not null,
    kafka_topic       text        not null,
    kafka_partition   integer     not null,
    kafka_offset      bigint      not null,
    kafka_key         text,
    constraint audit_event_source_event_id_key unique (source, event_id)
);

create index audit_event_subject_idx on audit_event (subject, sequence);
create index audit_event_type_idx on audit_event (type, sequence);
create index audit_event_organization_idx on audit_event (organization, sequence);
create index audit_event_actor_idx on audit_event (actor, sequence);
create index audit_event_time_idx on audit_event (event_time, sequence);
