package dev.polity.registry.testing;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The audit events the registry queued in its outbox for a subject, oldest first (what Kafka will carry). */
public final class Audit {

    private Audit() {
    }

    public static List<String> typesFor(Pool pool, String subject) {
        List<String> types = new ArrayList<>();
        for (Row row : pool.preparedQuery("select type from outbox_event where subject = $1 order by id")
                .execute(Tuple.of(subject)).await().indefinitely()) {
            types.add(row.getString("type"));
        }
        return types;
    }
}
