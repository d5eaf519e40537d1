-- Issue 5: model facts and access levels, risk, lifecycle with approvals, sharing between
-- organisations, usage and search.

-- What the owner says about a model. Mutable (audited as polity.model.updated); versions are not.
alter table model
    add column description           text,
    add column owning_team           text,
    add column domain                text,
    add column tags                  text[]      not null default '{}',
    add column access_level          text        not null default 'private',
    add column research_use_approved boolean     not null default false,
    add column academic_use_approved boolean     not null default false,
    add column user_facing           boolean     not null default false,
    add column autonomous_decisions  boolean     not null default false,
    add column updated_at            timestamptz,
    add column updated_by            text,
    add constraint model_access_level_check
        check (access_level in ('public', 'organization', 'consortium', 'private'));

-- Tags are filtered with @> (contains all).
create index model_tags_idx on model using gin (tags);

-- Risk is assessed once, at registration, and kept with its inputs. The search vector covers the
-- version and its model; it is rewritten for all versions of a model when the model changes.
alter table model_version
    add column registered_by          text,
    add column model_card             jsonb,
    add column risk_level             text        not null default 'low',
    add column risk_score             integer     not null default 0,
    add column risk_inputs            jsonb,
    add column usage_count            bigint      not null default 0,
    add column status_changed_at      timestamptz,
    add column deployment_constraints jsonb,
    add column search_vector          tsvector,
    -- A copy of the model's access level, kept by refresh_model_search, so that the search decides visibility
    -- on the version row (and the rank index) without joining the model for every candidate.
    add column access_level           text        not null default 'private',
    add constraint model_version_status_check
        check (status in ('development', 'staging', 'production', 'deprecated', 'retired')),
    add constraint model_version_risk_level_check
        check (risk_level in ('low', 'medium', 'high', 'critical'));

-- Search sorts by usage, then recency (id breaks ties); keyset pagination continues below a
-- (usage_count, registered_at, id) triple. The rank index carries organisation and access level so the
-- visibility test needs no heap or model lookup. The per-organisation index serves "organization="
-- filters and the caller's own models.
create index model_version_rank_idx on model_version (usage_count, registered_at, id) include (organization, access_level);
create index model_version_org_rank_idx on model_version (organization, usage_count, registered_at, id);
create index model_version_search_idx on model_version using gin (search_vector);
create index model_version_status_rank_idx on model_version (status, usage_count, registered_at, id);
create index model_version_model_idx on model_version (model_id);
-- At most one production version per model: promoting another one deprecates the current one first.
create unique index model_version_one_production_idx on model_version (model_id) where status = 'production';

-- Federation membership as the central authority publishes it on polity.federation.organizations.
-- The tier decides the research and academic auto-approval rules, so only the central authority
-- sets it.
create table organization (
    id                  text primary key,
    name                text,
    tier                text,
    region              text,
    parent_organization text,
    updated_at          timestamptz not null
);

-- "organization" visibility: the owner's models are visible to the organisations it declared as
-- collaborators. One direction per row: (organization -> partner). trusted: requests from the partner
-- are approved automatically. source: 'registry' (declared through the API) or 'federation' (from
-- the organisations topic); both may exist for one pair.
create table collaboration (
    organization text        not null,
    partner      text        not null,
    trusted      boolean     not null default false,
    source       text        not null,
    created_by   text,
    created_at   timestamptz not null,
    primary key (organization, partner, source),
    constraint collaboration_source_check check (source in ('registry', 'federation')),
    constraint collaboration_not_self check (organization <> partner)
);

create index collaboration_partner_idx on collaboration (partner, organization);

-- "consortium" visibility: visible to the other accepted members of a consortium both belong to.
-- A member invited by the consortium's owner counts only once it accepted; memberships from the
-- federation topic are accepted as published.
create table consortium (
    id                 text primary key,
    name               text,
    owner_organization text,
    created_by         text,
    created_at         timestamptz not null
);

create table consortium_member (
    consortium_id text        not null references consortium (id),
    organization  text        not null,
    source        text        not null default 'registry',
    invited_by    text,
    invited_at    timestamptz not null,
    accepted_by   text,
    accepted_at   timestamptz,
    primary key (consortium_id, organization)
);

create index consortium_member_org_idx on consortium_member (organization, consortium_id) where accepted_at is not null;

-- Lifecycle: one row per requested transition. Only one may wait for sign-offs per version.
create table version_transition (
    id                uuid primary key,
    version_id        bigint      not null references model_version (id),
    organization      text        not null,
    model_name        text        not null,
    version           text        not null,
    from_status       text        not null,
    to_status         text        not null,
    rollback          boolean     not null default false,
    reason            text        not null,
    requested_by      text        not null,
    requested_at      timestamptz not null,
    state             text        not null,
    risk_level        text        not null,
    required_reviews  text[]      not null,
    decision_id       text,
    decision_outcome  text,
    bundle_revision   bigint,
    decision          jsonb,
    conditions        text[],
    constraints       jsonb,
    closed_at         timestamptz,
    closed_by         text,
    constraint version_transition_state_check
        check (state in ('pending_review', 'completed', 'denied', 'rejected', 'stale', 'expired'))
);

create index version_transition_version_idx on version_transition (version_id, requested_at desc);
create unique index version_transition_one_open_idx on version_transition (version_id) where state = 'pending_review';

create table transition_sign_off (
    id            bigint generated always as identity primary key,
    transition_id uuid        not null references version_transition (id),
    review        text        not null,
    role          text        not null,
    approved      boolean     not null,
    comment       text,
    signed_by     text        not null,
    signed_at     timestamptz not null,
    constraint transition_sign_off_once unique (transition_id, review)
);

-- Append-only history of status moves; the trigger refuses updates and deletes.
create table version_history (
    id               bigint generated always as identity primary key,
    version_id       bigint      not null references model_version (id),
    from_status      text        not null,
    to_status        text        not null,
    moved_by         text        not null,
    moved_at         timestamptz not null,
    reason           text        not null,
    transition_id    uuid        references version_transition (id),
    rollback         boolean     not null default false,
    automatic        boolean     not null default false,
    decision_id      text,
    decision_outcome text,
    bundle_revision  bigint,
    constraints      jsonb,
    sign_offs        jsonb       not null default '{"items": []}'::jsonb
);

create index version_history_version_idx on version_history (version_id, id);

create function version_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'version_history is append-only';
end;
$$;

create trigger version_history_no_change before update or delete on version_history
    for each row execute function version_history_append_only();

-- Sharing: access requests, grants, usage.
create table access_request (
    id                      uuid primary key,
    model_id                bigint      not null references model (id),
    owner_organization      text        not null,
    model_name              text        not null,
    requesting_organization text        not null,
    requesting_team         text,
    requested_by            text        not null,
    purpose                 text        not null,
    intended_use            text        not null,
    duration_days           integer     not null,
    data_sharing_terms      text,
    state                   text        not null,
    auto_approval_rule      text,
    decided_by              text,
    decided_at              timestamptz,
    decision_reason         text,
    created_at              timestamptz not null,
    constraint access_request_state_check check (state in ('pending', 'approved', 'rejected'))
);

create index access_request_model_idx on access_request (model_id, created_at desc);

create table access_grant (
    id                uuid primary key,
    access_request_id uuid        not null unique references access_request (id),
    model_id          bigint      not null references model (id),
    owner_organization text       not null,
    model_name        text        not null,
    organization      text        not null,
    team              text,
    intended_use      text        not null,
    granted_by        text        not null,
    granted_at        timestamptz not null,
    expires_at        timestamptz not null,
    revoked_at        timestamptz,
    revoked_by        text,
    revocation_reason text,
    expiry_recorded_at timestamptz,
    usage_count       bigint      not null default 0
);

create index access_grant_holder_idx on access_grant (model_id, organization, expires_at) where revoked_at is null;
create index access_grant_expiry_idx on access_grant (expires_at) where revoked_at is null and expiry_recorded_at is null;

create table usage_record (
    id           bigint generated always as identity primary key,
    version_id   bigint      not null references model_version (id),
    grant_id     uuid        references access_grant (id),
    organization text        not null,
    kind         text        not null,
    quantity     bigint      not null,
    recorded_by  text        not null,
    recorded_at  timestamptz not null,
    constraint usage_record_kind_check check (kind in ('download', 'inference', 'training'))
);

create index usage_record_version_idx on usage_record (version_id, recorded_at desc);

-- The free-text document of every version of a model: names (weight A), model description, domain,
-- tags, framework and type (B), the version's own description (C); and the copy of the model's access
-- level. Called after every registration and model change, in the same transaction.
create function refresh_model_search(p_model_id bigint) returns integer language sql as $$
    with refreshed as (
        update model_version v
           set access_level = m.access_level,
               search_vector =
                   setweight(to_tsvector('simple', v.organization || ' ' || v.model_name || ' '
                                                   || replace(v.model_name, '-', ' ')), 'A')
                   || setweight(to_tsvector('simple', coalesce(m.description, '') || ' ' || coalesce(m.domain, '') || ' '
                                                   || coalesce(v.framework, '') || ' ' || coalesce(v.model_type, '') || ' '
                                                   || array_to_string(m.tags, ' ')), 'B')
                   || setweight(to_tsvector('simple', coalesce(v.description, '')), 'C')
          from model m
         where m.id = p_model_id and v.model_id = m.id
        returning 1)
    select count(*)::integer from refreshed;
$$;
