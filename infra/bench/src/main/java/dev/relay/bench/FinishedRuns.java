package dev.relay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Whether the runs kept up with the creates (a create is only cheap if its run is not just queued behind it): how
 * many of the created tasks' runs were unfinished when the load ended and how long they took to finish. Every
 * created task must have one run and every run must complete within five minutes, or the run is broken.
 */
final class FinishedRuns {

    private static final String RUNS = """
            SELECT count(*) FILTER (WHERE status IN ('pending', 'active')), count(*) FILTER (WHERE status = 'completed'),
                   count(*), count(DISTINCT task_id)
            FROM task.task_run WHERE task_id = ANY(?::uuid[])""";
    private static final long BOUND_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final String jdbcUrl;
    private final String user;

    FinishedRuns(String jdbcUrl, String user) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    /** Prints {@code RESULT <key>.runs_*} once every run of {@code tasks} finished; a run that did not complete breaks the run. */
    void await(String key, Collection<UUID> tasks) throws SQLException, InterruptedException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, ""); PreparedStatement query = db.prepareStatement(RUNS)) {
            query.setArray(1, db.createArrayOf("uuid", tasks.toArray()));
            long started = System.nanoTime();
            Counts atEnd = counts(query);
            Counts now = atEnd;
            while (now.unfinished() > 0 && System.nanoTime() - started < BOUND_NANOS) {
                Thread.sleep(100);
                now = counts(query);
            }
            double drainedIn = (System.nanoTime() - started) / 1e9;
            InvariantViolation.check(now.unfinished() == 0, "%d of %d runs still unfinished %.0f s after the load", now.unfinished(),
                    now.runs(), drainedIn);
            InvariantViolation.check(now.tasks() == tasks.size() && now.runs() == tasks.size(),
                    "%d tasks created, %d of them have runs, %d runs in all", tasks.size(), now.tasks(), now.runs());
            InvariantViolation.check(now.completed() == now.runs(), "%d of %d runs did not complete", now.runs() - now.completed(),
                    now.runs());
            System.out.printf("RESULT %s.runs_unfinished_at_end %d%n", key, atEnd.unfinished());
            System.out.printf("RESULT %s.runs_drained_after_s %.1f%n", key, atEnd.unfinished() == 0 ? 0.0 : drainedIn);
            if (atEnd.unfinished() > 100) {
                System.out.printf("RESULT %s.runs_drained_per_s %.0f%n", key, atEnd.unfinished() / drainedIn);
            }
            System.out.printf("RESULT %s.runs_completed %d%n", key, now.completed());
        }
    }

    private static Counts counts(PreparedStatement query) throws SQLException {
        try (ResultSet row = query.executeQuery()) {
            row.next();
            return new Counts(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
        }
    }

    private record Counts(long unfinished, long completed, long runs, long tasks) {
    }
}
