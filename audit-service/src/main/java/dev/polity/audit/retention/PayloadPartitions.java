package dev.polity.audit.retention;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monthly partitions of {@code audit_payload}: partition {@code audit_payload_yYYYYmMM} holds the payloads that
 * expire in that month (UTC). Partitions are created before the first payload that needs them is stored, and
 * dropped whole once their month has passed: retention never deletes payloads row by row.
 */
@ApplicationScoped
public class PayloadPartitions {

    private static final Logger LOG = Logger.getLogger(PayloadPartitions.class);
    private static final Pattern NAME = Pattern.compile("audit_payload_y(\\d{4})m(\\d{2})");

    private final Pool pool;
    private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

    PayloadPartitions(Pool pool) {
        this.pool = pool;
    }

    public static YearMonth monthOf(Instant expiresAt) {
        return YearMonth.from(expiresAt.atOffset(ZoneOffset.UTC));
    }

    public static String name(YearMonth month) {
        return String.format("audit_payload_y%04dm%02d", month.getYear(), month.getMonthValue());
    }

    /** Makes sure a partition exists for each month; cheap when they are known to exist. */
    public Uni<Void> ensure(Collection<YearMonth> months) {
        List<YearMonth> missing = months.stream().distinct().filter(month -> !known.contains(month)).sorted().toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (YearMonth month : missing) {
            chain = chain.chain(() -> create(month));
        }
        return chain;
    }

    /** Forgets which partitions exist, e.g. after an insert found one missing. */
    public void forget() {
        known.clear();
    }

    private Uni<Void> create(YearMonth month) {
        String sql = "create table if not exists " + name(month) + " partition of audit_payload for values from ('"
                + month.atDay(1) + " 00:00:00+00') to ('" + month.plusMonths(1).atDay(1) + " 00:00:00+00')";
        return pool.query(sql).execute()
                .onFailure().recoverWithUni(failure -> exists(month).map(exists -> {
                    if (!exists) {
                        throw new IllegalStateException("cannot create payload partition " + name(month) + ": " + failure.getMessage(), failure);
                    }
                    return null; // another replica created it first
                }))
                .invoke(() -> {
                    known.add(month);
                    LOG.debugf("payload partition %s ready", name(month));
                })
                .replaceWithVoid();
    }

    private Uni<Boolean> exists(YearMonth month) {
        return partitions().map(all -> all.contains(month));
    }

    /** The months that have a partition, oldest first. */
    public Uni<List<YearMonth>> partitions() {
        return pool.query("""
                        select c.relname from pg_inherits i
                          join pg_class c on c.oid = i.inhrelid
                          join pg_class p on p.oid = i.inhparent
                         where p.relname = 'audit_payload'""").execute()
                .map(rows -> {
                    TreeSet<YearMonth> months = new TreeSet<>();
                    for (Row row : rows) {
                        Matcher matcher = NAME.matcher(row.getString(0));
                        if (matcher.matches()) {
                            months.add(YearMonth.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))));
                        }
                    }
                    return new ArrayList<>(months);
                });
    }

    /**
     * Drops every partition whose month ended at or before {@code now}: all its payloads have expired.
     *
     * @return the names of the dropped partitions
     */
    public Uni<List<String>> dropExpired(Instant now) {
        YearMonth current = monthOf(now);
        return partitions().chain(months -> {
            List<String> dropped = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (YearMonth month : months) {
                if (month.isBefore(current)) {
                    String name = name(month);
                    chain = chain.chain(() -> pool.query("drop table if exists " + name).execute()
                            .invoke(() -> {
                                known.remove(month);
                                dropped.add(name);
                            }).replaceWithVoid());
                }
            }
            return chain.replaceWith(dropped);
        });
    }
}
