-- The audit log becomes an RFC 6962 Merkle tree with signed checkpoints, and payloads move to a table
-- partitioned by expiry so that retention drops whole partitions while every leaf hash stays.
--
-- The walking skeleton's log (V1) had no tree; its events cannot be given leaves after the fact without
-- re-deriving what they committed to, so a database that already holds V1 events is refused rather than
-- silently rewritten: start the audit service on a fresh database.
do $$
begin
    if exists (select 1 from audit_event) then
        raise exception 'audit log upgrade refused: this database holds events logged before the Merkle tree existed (V1 schema); start the audit service on a fresh database (for the local launcher: delete .polity/run)';
    end if;
end $$;

drop table audit_event;

-- The head of the log, locked by every append: size, root of the tree of its first `size` leaves, and the
-- tree's frontier (one 32-byte hash per set bit of size, largest subtree first) from which the next append
-- continues without rereading old leaves.
alter table audit_log_head
    add column root_hash bytea not null default sha256(''::bytea),
    add column frontier  bytea not null default ''::bytea;

-- One row per distinct CloudEvent (source + id), in the order it entered the log. sequence is 1-based and
-- gap-free; the event is leaf sequence - 1 of the tree. leaf_hash = SHA-256(0x00 || entry) where entry is the
-- canonical JSON of {"data_sha256", "headers"} (dev.polity.contracts.audit.AuditEntries): the leaf commits to
-- the payload's hash, not to the payload, which lives in audit_payload until it expires.
create table audit_event (
    sequence           bigint primary key,
    event_id           text        not null,
    source             text        not null,
    type               text        not null,
    subject            text,
    event_time         timestamptz not null,
    organization       text,
    actor              text,
    data_content_type  text,
    data_sha256        char(64)    not null,
    data_size          integer     not null,
    attributes         text        not null,
    leaf_hash          bytea       not null,
    retention_class    text        not null,
    payload_expires_at timestamptz not null,
    received_at        timestamptz not null,
    kafka_topic        text        not null,
    kafka_partition    integer     not null,
    kafka_offset       bigint      not null,
    kafka_key          text,
    constraint audit_event_source_event_id_key unique (source, event_id)
);

create index audit_event_subject_idx on audit_event (subject, sequence);
create index audit_event_type_idx on audit_event (type, sequence);
create index audit_event_organization_idx on audit_event (organization, sequence);
create index audit_event_actor_idx on audit_event (actor, sequence);
create index audit_event_time_idx on audit_event (event_time, sequence);
create index audit_event_received_at_idx on audit_event (received_at);

-- Event data exactly as received, partitioned by the month its retention ends (audit_payload_yYYYYmMM, created
-- on demand). Retention drops a partition once its whole month has passed; a payload is therefore kept at
-- least as long as its class says, and at most a month longer.
create table audit_payload (
    sequence   bigint      not null,
    expires_at timestamptz not null,
    data       bytea       not null
) partition by range (expires_at);

create index audit_payload_sequence_idx on audit_payload (sequence);

-- Complete subtrees of the tree at levels 4, 8, 12, ... (level 0, the leaves, is audit_event.leaf_hash):
-- about one row per 15 leaves, enough to compute any proof from at most 8 hashes per level of the proof.
create table audit_merkle_node (
    level smallint not null,
    idx   bigint   not null,
    hash  bytea    not null,
    primary key (level, idx)
);

-- Signed checkpoints, kept forever. published_at is set once the checkpoint is on polity.audit.checkpoints.
create table audit_checkpoint (
    tree_size    bigint primary key,
    origin       text        not null,
    root_hash    char(64)    not null,
    issued_at    timestamptz not null,
    key_id       text        not null,
    algorithm    text        not null,
    signature    text        not null,
    published_at timestamptz
);

-- Each verification of the log, by the service itself or on request.
create table audit_verification (
    id                       bigserial primary key,
    verified_at              timestamptz not null,
    requested_by             text        not null,
    ok                       boolean     not null,
    entries_checked          bigint      not null,
    verified_tree_size       bigint      not null,
    latest_checkpoint_size   bigint,
    first_mismatch_sequence  bigint,
    first_mismatch_tree_size bigint,
    problems_total           bigint      not null
);
