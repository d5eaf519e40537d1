-- A model is identified by its organisation and name; it is created with its first version.
create table model (
    id           bigint generated always as identity primary key,
    organization text        not null,
    name         text        not null,
    created_at   timestamptz not null,
    created_by   text,
    constraint model_organization_name_key unique (organization, name)
);

-- A registered version never changes its artifact, lineage or metrics; only its status moves.
create table model_version (
    id                  bigint generated always as identity primary key,
    model_id            bigint      not null references model (id),
    organization        text        not null,
    model_name          text        not null,
    version             text        not null,
    version_major       integer     not null,
    version_minor       integer     not null,
    version_patch       integer     not null,
    artifact_uri        text        not null,
    artifact_sha256     char(64)    not null,
    framework           text,
    model_type          text,
    description         text,
    lineage             jsonb,
    performance_metrics jsonb,
    fairness_metrics    jsonb,
    training_data       jsonb,
    created_by          text,
    status              text        not null,
    registered_at       timestamptz not null,
    constraint model_version_model_version_key unique (model_id, version)
);

create index model_version_newest_idx on model_version (model_id, registered_at desc, id desc);

-- Transactional outbox: events are written in the same transaction as the change they describe and
-- relayed to Kafka afterwards. event_id is fixed here so that a retried send carries the same id and
-- the audit log can deduplicate it.
create table outbox_event (
    id                bigint generated always as identity primary key,
    event_id          text        not null unique,
    source            text        not null,
    type              text        not null,
    subject           text,
    event_time        timestamptz not null,
    data_content_type text,
    extensions        jsonb       not null,
    data              bytea       not null,
    created_at        timestamptz not null,
    sent_at           timestamptz,
    attempts          integer     not null default 0,
    last_error        text
);

create index outbox_event_pending_idx on outbox_event (id) where sent_at is null;
