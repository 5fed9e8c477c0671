package dev.relay.common.messaging;

import java.sql.SQLException;
import java.util.Set;

import org.hibernate.JDBCException;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.vertx.sqlclient.DatabaseException;

/**
 * Tells a failure that the same record would meet on every attempt from one that can pass. Permanent: a
 * {@link PoisonRecord}, JSON that cannot be read, and a database error whose SQLSTATE class depends on the record's
 * data: 21 (cardinality, e.g. {@code ON CONFLICT DO UPDATE command cannot affect row a second time}), 22 (data
 * exception), 23 (integrity constraint), 44 (check option). Everything else is retried: connections (08), rollbacks
 * and deadlocks (40), locks (55), resources and operator actions (53, 57, 58), timeouts and unknown errors, and also
 * class 42 (a missing table, a syntax error, a privilege): it depends on the schema or the code, not on the record, so
 * it would fail every record alike; holding the partition back until a fix is deployed loses nothing, while
 * isolating would dead-letter the whole topic.
 */
final class Failures {

    private static final Set<String> PERMANENT_SQL_CLASSES = Set.of("21", "22", "23", "44");

    private Failures() {
    }

    static boolean isPermanent(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof PoisonRecord || cause instanceof JsonProcessingException) {
                return true;
            }
            String state = sqlState(cause);
            if (state != null) {
                return state.length() == 5 && PERMANENT_SQL_CLASSES.contains(state.substring(0, 2));
            }
        }
        return false;
    }

    /** The innermost cause, which names what went wrong (a wrapper's message often does not). */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? failure.toString() : failure.getClass().getSimpleName() + " caused by " + root;
    }

    private static String sqlState(Throwable failure) {
        if (failure instanceof DatabaseException database) {
            return database.getSqlState();
        }
        if (failure instanceof SQLException sql) {
            return sql.getSQLState();
        }
        if (failure instanceof JDBCException jdbc) {
            return jdbc.getSQLState();
        }
        return null;
    }
}
