package dev.polity.audit.log;

import dev.polity.contracts.audit.Merkle;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the stored tree: leaf hashes ({@code audit_event.leaf_hash}, level 0) and the complete subtrees of every
 * {@value #STRIDE}th level ({@code audit_merkle_node}). Any complete subtree's hash folds from at most
 * 2^({@value #STRIDE} - 1) stored hashes, so a proof over a tree of n leaves reads O(log n) rows in two queries,
 * whatever n is.
 */
@ApplicationScoped
public class MerkleNodes {

    /** Levels 4, 8, 12, ... are stored. */
    public static final int STRIDE = 4;

    public static boolean isStored(int level) {
        return level > 0 && level % STRIDE == 0;
    }

    /** A subtree source that answers for exactly the given subtrees (and their descendants down to stored levels). */
    public Uni<Merkle.SubtreeSource> load(SqlClient client, Collection<Merkle.Subtree> needed) {
        Set<Long> leaves = new LinkedHashSet<>();
        List<Short> levels = new ArrayList<>();
        List<Long> indexes = new ArrayList<>();
        for (Merkle.Subtree subtree : needed) {
            int base = subtree.level() - subtree.level() % STRIDE;
            long count = 1L << (subtree.level() - base);
            long first = subtree.index() << (subtree.level() - base);
            for (long i = first; i < first + count; i++) {
                if (base == 0) {
                    leaves.add(i);
                } else {
                    levels.add((short) base);
                    indexes.add(i);
                }
            }
        }
        Map<Long, byte[]> stored = new HashMap<>();
        Uni<Void> leafQuery = leaves.isEmpty() ? Uni.createFrom().voidItem()
                : client.preparedQuery("select sequence, leaf_hash from audit_event where sequence = any($1)")
                .execute(Tuple.tuple().addArrayOfLong(leaves.stream().map(i -> i + 1).toArray(Long[]::new)))
                .invoke(rows -> {
                    for (Row row : rows) {
                        stored.put(key(0, row.getLong(0) - 1), row.getBuffer(1).getBytes());
                    }
                }).replaceWithVoid();
        Uni<Void> nodeQuery = levels.isEmpty() ? Uni.createFrom().voidItem()
                : client.preparedQuery("""
                        select n.level, n.idx, n.hash from audit_merkle_node n
                          join unnest($1::int2[], $2::int8[]) as k(level, idx) on n.level = k.level and n.idx = k.idx""")
                .execute(Tuple.tuple().addArrayOfShort(levels.toArray(Short[]::new)).addArrayOfLong(indexes.toArray(Long[]::new)))
                .invoke(rows -> {
                    for (Row row : rows) {
                        stored.put(key(row.getShort(0), row.getLong(1)), row.getBuffer(2).getBytes());
                    }
                }).replaceWithVoid();
        return leafQuery.chain(() -> nodeQuery).map(ignored -> source(stored));
    }

    private static Merkle.SubtreeSource source(Map<Long, byte[]> stored) {
        Map<Long, byte[]> folded = new HashMap<>();
        return new Merkle.SubtreeSource() {
            @Override
            public byte[] hash(int level, long index) {
                if (level == 0 || isStored(level)) {
                    byte[] hash = stored.get(key(level, index));
                    if (hash == null) {
                        throw new IllegalStateException("the audit log has no hash for the subtree at level " + level
                                + ", index " + index + "; the tree is damaged or still being written");
                    }
                    return hash;
                }
                long k = key(level, index);
                byte[] hash = folded.get(k);
                if (hash == null) {
                    hash = Merkle.nodeHash(hash(level - 1, 2 * index), hash(level - 1, 2 * index + 1));
                    folded.put(k, hash);
                }
                return hash;
            }
        };
    }

    /** Levels fit in 6 bits, indexes (below 2^57 leaves) in the rest. */
    private static long key(int level, long index) {
        return ((long) level << 57) | index;
    }
}
