package dev.polity.sync.common;

import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;

import java.util.function.Supplier;

/**
 * Concurrent writes of the same thing (the same organisation id, the next version of one policy,
 * the next bundle revision of one organisation) race on a unique constraint. The loser's
 * transaction rolls back; running it again sees the winner's row and answers accordingly.
 */
public final class ConcurrentWrites {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final int ATTEMPTS = 3;

    private ConcurrentWrites() {
    }

    /**
     * Runs {@code transaction} (a call of a {@code @WithTransaction} method, so each attempt is a
     * new transaction) and runs it again when it lost a race on a unique constraint.
     */
    public static <T> Uni<T> retryOnConflict(Supplier<Uni<T>> transaction) {
        return Uni.createFrom().<T>deferred(transaction::get)
                .onFailure(ConcurrentWrites::isUniqueViolation).retry().atMost(ATTEMPTS - 1)
                .onFailure(ConcurrentWrites::isUniqueViolation).transform(e ->
                        ProblemException.conflict("a concurrent request changed the same resource; try again"));
    }

    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
            if (cause instanceof JDBCException jdbc && UNIQUE_VIOLATION.equals(jdbc.getSQLState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
