package dev.polity.registry.model.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Model search in one SQL statement: the visibility predicate ({@link Visibility}) and every filter are
 * in the {@code where} clause, so a page never holds a version the caller may not see and never comes
 * out short because of filtering afterwards. Sorted by usage, then recency (newest registration), then
 * id; continued by keyset ({@code (usage_count, registered_at, id) < cursor}), which the
 * {@code model_version_rank_idx} index serves in order.
 */
@ApplicationScoped
public class ModelSearchRepository {

    private final Pool pool;

    ModelSearchRepository(Pool pool) {
        this.pool = pool;
    }

    /** One matching version and its model. */
    public record Hit(long id, String organization, String name, String version, String status, String framework,
                      String modelType, String description, String modelDescription, String domain, List<String> tags,
                      String accessLevel, String riskLevel, long usageCount, Instant registeredAt) {
        public ModelSearchSql.Cursor cursor() {
            return new ModelSearchSql.Cursor(usageCount, registeredAt, id);
        }
    }

    public Uni<List<Hit>> search(ModelSearchSql.Query query) {
        ModelSearchSql.Statement statement = ModelSearchSql.statement(query);
        return pool.preparedQuery(statement.sql()).execute(Tuple.from(statement.params())).map(rows -> {
            List<Hit> hits = new ArrayList<>();
            for (Row row : rows) {
                hits.add(new Hit(row.getLong("id"), row.getString("organization"), row.getString("model_name"),
                        row.getString("version"), row.getString("status"), row.getString("framework"),
                        row.getString("model_type"), row.getString("description"), row.getString("model_description"),
                        row.getString("domain"), List.of(row.getArrayOfStrings("tags")), row.getString("access_level"),
                        row.getString("risk_level"), row.getLong("usage_count"),
                        row.getOffsetDateTime("registered_at").toInstant()));
            }
            return hits;
        });
    }
}
