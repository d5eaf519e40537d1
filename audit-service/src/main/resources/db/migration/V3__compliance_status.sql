-- Reading JSON out of stored payloads for the compliance status. A payload that is not UTF-8 JSON gives null
-- instead of failing the whole query.
create function audit_payload_json(data bytea) returns jsonb
    language plpgsql immutable strict as $$
begin
    return convert_from(data, 'UTF8')::jsonb;
exception when others then
    return null;
end $$;

create index audit_event_organization_type_time_idx on audit_event (organization, type, event_time);
