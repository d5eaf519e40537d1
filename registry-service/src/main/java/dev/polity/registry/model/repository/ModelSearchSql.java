package dev.polity.registry.model.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of a model search: the visibility predicate ({@link Visibility}) and every filter in one {@code where}
 * clause, sorted by usage, then recency, then id, continued by keyset. Plain Java (no driver types), so that the
 * benchmark in {@code bench/registry-search} runs exactly the statement the service runs.
 */
public final class ModelSearchSql {

    private ModelSearchSql() {
    }

    /** What to look for; null fields do not filter. */
    public record Query(String caller, String text, String modelType, String framework, List<String> tags, String status,
                        String organization, Cursor after, int limit) {
    }

    /** The position after which the next page starts. */
    public record Cursor(long usageCount, Instant registeredAt, long id) {
    }

    /** A search as SQL with {@code $n} parameters (the Vert.x PostgreSQL client's style), in parameter order. */
    public record Statement(String sql, List<Object> params) {
    }

    /** The one SQL statement of a search; public so that the benchmark runs exactly what the service runs. */
    public static Statement statement(Query query) {
        List<Object> params = new ArrayList<>();
        params.add(query.caller());
        StringBuilder sql = new StringBuilder("""
                select v.id, v.organization, v.model_name, v.version, v.status, v.framework, v.model_type, v.description,
                       m.description as model_description, m.domain, m.tags, m.access_level, v.risk_level,
                       v.usage_count, v.registered_at
                  from model_version v
                  join model m on m.id = v.model_id
                 where """).append(Visibility.predicate("v", "$1"));
        if (query.text() != null) {
            params.add(query.text());
            sql.append("\n   and v.search_vector @@ websearch_to_tsquery('simple', $").append(params.size()).append(')');
        }
        if (query.modelType() != null) {
            params.add(query.modelType());
            sql.append("\n   and v.model_type = $").append(params.size());
        }
        if (query.framework() != null) {
            params.add(query.framework());
            sql.append("\n   and v.framework = $").append(params.size());
        }
        if (query.status() != null) {
            params.add(query.status());
            sql.append("\n   and v.status = $").append(params.size());
        }
        if (query.organization() != null) {
            params.add(query.organization());
            sql.append("\n   and v.organization = $").append(params.size());
        }
        if (query.tags() != null && !query.tags().isEmpty()) {
            params.add(query.tags().toArray(String[]::new));
            sql.append("\n   and m.tags @> $").append(params.size()).append("::text[]");
        }
        if (query.after() != null) {
            params.add(query.after().usageCount());
            params.add(OffsetDateTime.ofInstant(query.after().registeredAt(), ZoneOffset.UTC));
            params.add(query.after().id());
            int n = params.size();
            sql.append("\n   and (v.usage_count, v.registered_at, v.id) < ($").append(n - 2).append(", $").append(n - 1)
                    .append(", $").append(n).append(')');
        }
        params.add(query.limit());
        sql.append("\n order by v.usage_count desc, v.registered_at desc, v.id desc\n limit $").append(params.size());
        return new Statement(sql.toString(), params);
    }

}
