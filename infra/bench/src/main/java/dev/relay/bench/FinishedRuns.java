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
 * created task must have one run and every run must complete within five minutes, hold no budget reservation once
 * finished, and have made the tool calls its task asked for (each with a result), or the run is broken.
 */
final class FinishedRuns {

    private static final String RUNS = """
            SELECT count(*) FILTER (WHERE status IN ('pending', 'active')), count(*) FILTER (WHERE status = 'completed'),
                   count(*), count(DISTINCT task_id)
            FROM task.task_run WHERE task_id = ANY(?::uuid[])""";
    private static final String LEFTOVERS = """
            SELECT (SELECT count(*) FROM task.budget_reservation r JOIN task.task_run run ON run.id = r.run_id
                    WHERE run.task_id = ANY(?::uuid[])),
                   (SELECT count(*) FROM task.tool_call WHERE task_id = ANY(?::uuid[]) AND output IS NOT NULL AND NOT error)""";
    private static final long BOUND_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final String jdbcUrl;
    private final String user;

    FinishedRuns(String jdbcUrl, String user) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    /** The bound: every run of a load done within this long of the load's end. */
    static final double DONE_WITHIN_S = 5.0;

    /**
     * Prints {@code RESULT <key>.runs_*} once every run of {@code tasks} finished; a run that did not complete, still
     * holds a reservation or made other than {@code toolCallsPerRun} tool calls with results breaks the run.
     * {@code loadDueEnd} ({@link System#nanoTime()}) is when the load was due to end: the runs' time to be done is
     * counted from there, not from the last create's answer, which comes later when creates are slow.
     */
    void await(String key, Collection<UUID> tasks, int toolCallsPerRun, long loadDueEnd) throws SQLException, InterruptedException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, ""); PreparedStatement query = db.prepareStatement(RUNS);
                PreparedStatement leftovers = db.prepareStatement(LEFTOVERS)) {
            java.sql.Array ids = db.createArrayOf("uuid", tasks.toArray());
            query.setArray(1, ids);
            long started = System.nanoTime();
            Counts atEnd = counts(query);
            Counts now = atEnd;
            while (now.unfinished() > 0 && System.nanoTime() - started < BOUND_NANOS) {
                Thread.sleep(100);
                now = counts(query);
            }
            long done = System.nanoTime();
            double drainedIn = (done - started) / 1e9;
            double doneAfterLoadEnd = Math.max(0, done - loadDueEnd) / 1e9;
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
            // the last look that still found a run unfinished is at most 100 ms before this one
            System.out.printf("RESULT %s.runs_done_after_load_end_s %.1f%n", key, atEnd.unfinished() == 0 && doneAfterLoadEnd < 0.1 ? 0.0 : doneAfterLoadEnd);
            System.out.printf("RESULT %s.runs_done_within_%.0fs %b%n", key, DONE_WITHIN_S, doneAfterLoadEnd <= DONE_WITHIN_S);
            System.out.printf("RESULT %s.runs_completed %d%n", key, now.completed());
            leftovers.setArray(1, ids);
            leftovers.setArray(2, ids);
            try (ResultSet row = leftovers.executeQuery()) {
                row.next();
                InvariantViolation.check(row.getLong(1) == 0, "%d finished runs still hold a budget reservation", row.getLong(1));
                InvariantViolation.check(row.getLong(2) == (long) toolCallsPerRun * tasks.size(),
                        "%d tool calls with a result, expected %d per run (%d runs)", row.getLong(2), toolCallsPerRun, tasks.size());
                System.out.printf("RESULT %s.runs_tool_calls %d%n", key, row.getLong(2));
            }
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
