package dev.polity.audit.checkpoint.repository;

import dev.polity.contracts.audit.Checkpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Signed checkpoints in {@code audit_checkpoint}, kept forever. */
@ApplicationScoped
public class CheckpointRepository {

    private static final String COLUMNS = "tree_size, origin, root_hash, issued_at, key_id, algorithm, signature";

    private final Pool pool;

    CheckpointRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<Checkpoint>> latest(SqlClient client) {
        return client.query("select " + COLUMNS + " from audit_checkpoint order by tree_size desc limit 1").execute()
                .map(CheckpointRepository::first);
    }

    public Uni<Optional<Checkpoint>> latest() {
        return latest(pool);
    }

    public Uni<Optional<Checkpoint>> find(long treeSize) {
        return pool.preparedQuery("select " + COLUMNS + " from audit_checkpoint where tree_size = $1")
                .execute(Tuple.of(treeSize)).map(CheckpointRepository::first);
    }

    /** The first checkpoint whose tree holds leaf {@code sequence} (tree size at least {@code sequence}). */
    public Uni<Optional<Checkpoint>> firstCovering(long sequence) {
        return pool.preparedQuery("select " + COLUMNS + " from audit_checkpoint where tree_size >= $1 order by tree_size limit 1")
                .execute(Tuple.of(sequence)).map(CheckpointRepository::first);
    }

    /** The last checkpoint whose tree size is at most {@code treeSize}. */
    public Uni<Optional<Checkpoint>> lastAtOrBefore(long treeSize) {
        return pool.preparedQuery("select " + COLUMNS + " from audit_checkpoint where tree_size <= $1 order by tree_size desc limit 1")
                .execute(Tuple.of(treeSize)).map(CheckpointRepository::first);
    }

    /** Checkpoints with {@code after < tree_size <= upTo}, oldest first, at most {@code limit}. */
    public Uni<List<Checkpoint>> range(long after, long upTo, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from audit_checkpoint where tree_size > $1 and tree_size <= $2"
                        + " order by tree_size limit $3")
                .execute(Tuple.of(after, upTo, limit)).map(CheckpointRepository::all);
    }

    public Uni<Void> insert(SqlClient client, Checkpoint checkpoint) {
        return client.preparedQuery("insert into audit_checkpoint (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(List.of(checkpoint.treeSize(), checkpoint.origin(), checkpoint.rootHash(),
                        checkpoint.timestamp().atOffset(ZoneOffset.UTC), checkpoint.keyId(), checkpoint.algorithm(),
                        checkpoint.signature())))
                .replaceWithVoid();
    }

    public Uni<List<Checkpoint>> unpublished() {
        return pool.query("select " + COLUMNS + " from audit_checkpoint where published_at is null order by tree_size").execute()
                .map(CheckpointRepository::all);
    }

    public Uni<Void> markPublished(long treeSize, Instant at) {
        return pool.preparedQuery("update audit_checkpoint set published_at = $2 where tree_size = $1")
                .execute(Tuple.of(treeSize, at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    private static Optional<Checkpoint> first(RowSet<Row> rows) {
        return rows.rowCount() == 0 ? Optional.empty() : Optional.of(toCheckpoint(rows.iterator().next()));
    }

    private static List<Checkpoint> all(RowSet<Row> rows) {
        List<Checkpoint> checkpoints = new ArrayList<>(rows.rowCount());
        rows.forEach(row -> checkpoints.add(toCheckpoint(row)));
        return checkpoints;
    }

    private static Checkpoint toCheckpoint(Row row) {
        return new Checkpoint(row.getString("origin"), row.getLong("tree_size"), row.getString("root_hash"),
                row.getOffsetDateTime("issued_at").toInstant(), row.getString("key_id"), row.getString("algorithm"),
                row.getString("signature"));
    }
}
