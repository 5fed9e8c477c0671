package dev.relay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The schedule benchmark's reference: db-scheduler in lock-and-fetch mode (1 s polling) firing no-op one-time tasks. */
final class DbSchedulerLoad {

    private DbSchedulerLoad() {
    }

    static void run(String jdbcUrl, String user, int count, int instances, int threads) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "")) {
            createTable(db);
            insertFarAway(db, count);
        }
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> firedAt = new ConcurrentLinkedQueue<>();
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> {
            firedAt.add(System.currentTimeMillis());
            runs.computeIfAbsent(instance.getId(), id -> new AtomicInteger()).incrementAndGet();
        });
        List<Scheduler> schedulers = new ArrayList<>();
        List<HikariDataSource> pools = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=dbsched");
            config.setUsername(user);
            config.setMaximumPoolSize(threads + 4);
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            Scheduler scheduler = Scheduler.create(pool, noop)
                    .threads(threads)
                    .pollingInterval(Duration.ofSeconds(1))
                    .pollUsingLockAndFetch(0.5, 1.0)
                    .schedulerName(new SchedulerName.Fixed("bench-" + i))
                    .build();
            scheduler.start();
            schedulers.add(scheduler);
        }
        Instant due = Instant.now().plus(ScheduleBenchmark.LEAD).truncatedTo(ChronoUnit.MILLIS);
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement move = db.prepareStatement("UPDATE dbsched.scheduled_tasks SET execution_time = ?")) {
            move.setTimestamp(1, Timestamp.from(due));
            move.executeUpdate();
        }
        Instant deadline = due.plus(ScheduleBenchmark.BOUND);
        while (runs.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        Thread.sleep(ScheduleBenchmark.QUIET.toMillis()); // a duplicate execution would show by now
        schedulers.forEach(Scheduler::stop);
        pools.forEach(HikariDataSource::close);
        long duplicates = runs.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        Firings.report("dbscheduler." + instances, count, runs.size(), due, firedAt.stream().mapToLong(Long::longValue).toArray(),
                duplicates, 0);
    }

    /** db-scheduler's documented table for PostgreSQL, in a schema of its own. */
    private static void createTable(Connection db) throws SQLException {
        try (Statement ddl = db.createStatement()) {
            ddl.execute("DROP SCHEMA IF EXISTS dbsched CASCADE");
            ddl.execute("CREATE SCHEMA dbsched");
            ddl.execute("""
                    CREATE TABLE dbsched.scheduled_tasks (
                        task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,
                        execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text,
                        last_success timestamptz, last_failure timestamptz, consecutive_failures int,
                        last_heartbeat timestamptz, version bigint NOT NULL, priority smallint,
                        PRIMARY KEY (task_name, task_instance))""");
            ddl.execute("CREATE INDEX execution_time_idx ON dbsched.scheduled_tasks (execution_time)");
            ddl.execute("CREATE INDEX last_heartbeat_idx ON dbsched.scheduled_tasks (last_heartbeat)");
            ddl.execute("CREATE INDEX priority_execution_time_idx ON dbsched.scheduled_tasks (priority DESC, execution_time ASC)");
        }
    }

    private static void insertFarAway(Connection db, int count) throws SQLException {
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO dbsched.scheduled_tasks "
                + "(task_name, task_instance, execution_time, picked, version) VALUES ('noop', ?, ?, false, 1)")) {
            Timestamp later = Timestamp.from(Instant.now().plus(Duration.ofHours(1)));
            for (int i = 0; i < count; i++) {
                insert.setString(1, "job-" + i);
                insert.setTimestamp(2, later);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
    }
}
