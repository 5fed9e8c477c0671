package dev.relay.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many events of the load's tasks the stream service has stored, read from its log every few milliseconds:
 * a pipeline keeps up only while storing keeps up too, not just live delivery. Seqs are gap-free per task, so the
 * stored count is the sum of each task's highest stored seq.
 */
final class StoredEvents implements AutoCloseable {

    private static final String STORED = """
            SELECT coalesce(sum((SELECT seq FROM stream.task_event e WHERE e.task_id = t ORDER BY seq DESC LIMIT 1)), 0)
            FROM unnest(?::uuid[]) t""";

    private static final String EXACT = "SELECT count(*) FROM stream.task_event WHERE task_id = ANY(?::uuid[])";

    private final String jdbcUrl;
    private final String user;
    private final List<UUID> tasks;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong lastChange = new AtomicLong(System.nanoTime());
    private final Thread poller;
    private volatile boolean running = true;

    StoredEvents(String jdbcUrl, String user, List<UUID> tasks) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.tasks = List.copyOf(tasks);
        Connection connection = DriverManager.getConnection(jdbcUrl, user, "");
        Array ids = connection.createArrayOf("uuid", tasks.toArray());
        PreparedStatement query = connection.prepareStatement(STORED);
        query.setArray(1, ids);
        poller = new Thread(() -> {
            try (connection; query) {
                while (running) {
                    try (ResultSet row = query.executeQuery()) {
                        row.next();
                        long now = row.getLong(1);
                        if (stored.getAndSet(now) != now) {
                            lastChange.set(System.nanoTime());
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (SQLException | InterruptedException e) {
                System.err.println("stopped reading the stored count: " + e);
            }
        }, "stored-events");
        poller.setDaemon(true);
        poller.start();
    }

    /** Events stored so far, of every type. */
    long count() {
        return stored.get();
    }

    /** The rows the log holds for the tasks, counted one by one: a gap in a task's seqs shows here, not in {@link #count}. */
    long exactCount() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement query = connection.prepareStatement(EXACT)) {
            query.setArray(1, connection.createArrayOf("uuid", tasks.toArray()));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** When the count last grew. */
    long lastChangeNanos() {
        return lastChange.get();
    }

    @Override
    public void close() {
        running = false;
    }
}
