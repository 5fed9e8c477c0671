package dev.relay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Many one-time jobs due at the same instant, fired by db-scheduler and by Relay's schedule service on the same
 * PostgreSQL. Prints, per system: time from the due instant until all fired, firings/s over that time, lag behind
 * the due time p50/p99/max, and duplicates. A firing is, for db-scheduler, its no-op task running; for Relay, the
 * trigger published on task-triggers (the Kafka record's timestamp).
 * <ul>
 * <li>{@code dbscheduler JDBC_URL USER COUNT INSTANCES THREADS}: db-scheduler in lock-and-fetch mode, 1 s polling;</li>
 * <li>{@code relay JDBC_URL USER BOOTSTRAP COUNT LABEL}: schedules asked for on schedule-requests as task creates do,
 * then all moved to one due instant.</li>
 * </ul>
 */
public final class ScheduleBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEAD = Duration.ofSeconds(3);
    private static final Duration BOUND = Duration.ofSeconds(180);

    private ScheduleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "dbscheduler" -> dbScheduler(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "relay" -> relay(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // --- db-scheduler ------------------------------------------------------------------------------------------------

    private static void dbScheduler(String jdbcUrl, String user, int count, int instances, int threads) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "")) {
            try (Statement ddl = db.createStatement()) {
                // db-scheduler's documented table for PostgreSQL
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
                    .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed("bench-" + i))
                    .build();
            scheduler.start();
            schedulers.add(scheduler);
        }
        Instant due = Instant.now().plus(LEAD).truncatedTo(ChronoUnit.MILLIS);
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement move = db.prepareStatement("UPDATE dbsched.scheduled_tasks SET execution_time = ?")) {
            move.setTimestamp(1, Timestamp.from(due));
            move.executeUpdate();
        }
        Instant deadline = due.plus(BOUND);
        while (runs.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        Thread.sleep(2_000); // a duplicate execution would show by now
        schedulers.forEach(scheduler -> scheduler.stop());
        pools.forEach(HikariDataSource::close);
        long duplicates = runs.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        report("dbscheduler." + instances, count, runs.size(), due, firedAt.stream().mapToLong(Long::longValue).toArray(), duplicates, 0);
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

    // --- Relay ---------------------------------------------------------------------------------------------------------

    private static void relay(String jdbcUrl, String user, String bootstrap, int count, String label) throws Exception {
        String owner = label + "@bench.relay";
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Set<String> schedules = new HashSet<>();
        String farAway = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS).toString();
        String startTime = DateTimeFormatter.ofPattern("HH:mm").format(Instant.now().atZone(ZoneOffset.UTC));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String schedule = UUID.randomUUID().toString();
                String task = UUID.randomUUID().toString();
                schedules.add(schedule);
                producer.send(new ProducerRecord<>("schedule-requests", task, "{\"schedule_id\":\"" + schedule + "\",\"task_id\":\"" + task
                        + "\",\"org\":\"bench\",\"created_by\":\"" + owner + "\",\"schedule_type\":\"one_time\",\"start_time\":\""
                        + startTime + "\",\"time_zone\":\"UTC\",\"first_due_at\":\"" + farAway + "\"}"));
            }
        }
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "")) {
            Instant madeBy = Instant.now().plus(BOUND);
            long made;
            while ((made = countOf(db, "SELECT count(*) FROM schedule.schedule WHERE created_by = '" + owner + "'")) < count) {
                if (Instant.now().isAfter(madeBy)) {
                    throw new IllegalStateException("only " + made + " of " + count + " schedules were made");
                }
                Thread.sleep(100);
            }
            try (KafkaConsumer<String, String> triggers = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
                triggers.subscribe(List.of("task-triggers"));
                while (triggers.assignment().isEmpty()) {
                    triggers.poll(Duration.ofMillis(100));
                }
                triggers.seekToEnd(triggers.assignment());
                triggers.assignment().forEach(triggers::position);

                Instant due = Instant.now().plus(LEAD).truncatedTo(ChronoUnit.MILLIS);
                try (PreparedStatement move = db.prepareStatement(
                        "UPDATE schedule.schedule SET first_due_at = ?, next_due_at = ? WHERE created_by = ?")) {
                    move.setTimestamp(1, Timestamp.from(due));
                    move.setTimestamp(2, Timestamp.from(due));
                    move.setString(3, owner);
                    move.executeUpdate();
                }
                Map<String, Set<String>> executionsOf = new HashMap<>();
                Map<String, Long> firstPublishedAt = new HashMap<>();
                long records = 0;
                Instant deadline = due.plus(BOUND);
                while (firstPublishedAt.size() < count && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<String, String> record : triggers.poll(Duration.ofMillis(100))) {
                        JsonNode trigger = JSON.readTree(record.value());
                        String schedule = trigger.get("schedule_id").asText();
                        if (schedules.contains(schedule)) {
                            records++;
                            executionsOf.computeIfAbsent(schedule, s -> new HashSet<>()).add(trigger.get("execution_id").asText());
                            firstPublishedAt.merge(trigger.get("execution_id").asText(), record.timestamp(), Math::min);
                        }
                    }
                }
                long duplicates = executionsOf.values().stream().mapToLong(executions -> executions.size() - 1).sum();
                report("relay." + label, count, firstPublishedAt.size(), due,
                        firstPublishedAt.values().stream().mapToLong(Long::longValue).toArray(), duplicates, records - firstPublishedAt.size());
            }
        }
    }

    private static long countOf(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // --- figures -------------------------------------------------------------------------------------------------------

    private static void report(String name, int count, int fired, Instant due, long[] firedAtMillis, long duplicates, long redelivered) {
        long[] lags = Arrays.stream(firedAtMillis).map(at -> at - due.toEpochMilli()).sorted().toArray();
        double allFiredSeconds = lags.length == 0 ? Double.NaN : lags[lags.length - 1] / 1000.0;
        System.out.printf("RESULT schedules.%s.fired %d of %d%n", name, fired, count);
        System.out.printf("RESULT schedules.%s.all_fired_after_s %.2f%n", name, allFiredSeconds);
        System.out.printf("RESULT schedules.%s.firings_per_s %.0f%n", name, fired / Math.max(allFiredSeconds, 0.001));
        if (lags.length > 0) {
            long firstLag = lags[0];
            double busySeconds = (lags[lags.length - 1] - firstLag) / 1000.0;
            System.out.printf("RESULT schedules.%s.firings_per_s_from_first %.0f%n", name, fired / Math.max(busySeconds, 0.001));
            System.out.printf("RESULT schedules.%s.lag_ms p50=%d p99=%d max=%d first=%d%n", name, percentile(lags, 0.5),
                    percentile(lags, 0.99), lags[lags.length - 1], firstLag);
        }
        System.out.printf("RESULT schedules.%s.duplicates %d%n", name, duplicates);
        if (redelivered > 0) {
            System.out.printf("RESULT schedules.%s.records_sent_again %d (same execution id: deduplicated by the task service)%n", name, redelivered);
        }
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
    }
}
