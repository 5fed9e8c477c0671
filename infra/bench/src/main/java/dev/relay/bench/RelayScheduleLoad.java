package dev.relay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

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

/**
 * Relay's schedule service firing one-time schedules: asked for on schedule-requests as task creates do, then all
 * moved to one due instant. A firing is the trigger published on task-triggers (the Kafka record's timestamp); a
 * schedule that fires under two execution ids fired twice.
 */
final class RelayScheduleLoad {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String jdbcUrl;
    private final String user;
    private final String bootstrap;
    private final String label;
    private final String owner;

    RelayScheduleLoad(String jdbcUrl, String user, String bootstrap, String label) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.bootstrap = bootstrap;
        this.label = label;
        this.owner = label + "@bench.relay";
    }

    void run(int count) throws Exception {
        Set<String> schedules = request(count);
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "");
                KafkaConsumer<String, String> triggers = triggersFromNow()) {
            awaitMade(db, count);
            Instant due = Instant.now().plus(ScheduleBenchmark.LEAD).truncatedTo(ChronoUnit.MILLIS);
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
            Instant deadline = due.plus(ScheduleBenchmark.BOUND);
            Instant quietUntil = null;
            // after the last schedule fired, a while longer: a second firing would show by then
            while (Instant.now().isBefore(quietUntil == null ? deadline : quietUntil)) {
                for (ConsumerRecord<String, String> record : triggers.poll(Duration.ofMillis(100))) {
                    JsonNode trigger = JSON.readTree(record.value());
                    String schedule = trigger.get("schedule_id").asText();
                    if (schedules.contains(schedule)) {
                        records++;
                        executionsOf.computeIfAbsent(schedule, s -> new HashSet<>()).add(trigger.get("execution_id").asText());
                        firstPublishedAt.merge(trigger.get("execution_id").asText(), record.timestamp(), Math::min);
                    }
                }
                if (quietUntil == null && executionsOf.size() == count) {
                    quietUntil = Instant.now().plus(ScheduleBenchmark.QUIET);
                }
            }
            long duplicates = executionsOf.values().stream().mapToLong(executions -> executions.size() - 1).sum();
            Firings.report("relay." + label, count, executionsOf.size(), due,
                    firstPublishedAt.values().stream().mapToLong(Long::longValue).toArray(), duplicates, records - firstPublishedAt.size());
        }
    }

    /** Asks for {@code count} one-time schedules due in an hour; answers their ids. */
    private Set<String> request(int count) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5);
        Set<String> schedules = new HashSet<>();
        String farAway = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS).toString();
        String startTime = DateTimeFormatter.ofPattern("HH:mm").format(Instant.now().atZone(ZoneOffset.UTC));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String schedule = UUID.randomUUID().toString();
                String task = UUID.randomUUID().toString();
                schedules.add(schedule);
                producer.send(new ProducerRecord<>("schedule-requests", task, "{\"schedule_id\":\"" + schedule + "\",\"task_id\":\"" + task
                        + "\",\"org\":\"bench\",\"created_by\":\"" + owner + "\",\"schedule_type\":\"one_time\",\"start_time\":\""
                        + startTime + "\",\"time_zone\":\"UTC\",\"first_due_at\":\"" + farAway + "\"}"));
            }
        }
        return schedules;
    }

    private void awaitMade(Connection db, int count) throws SQLException, InterruptedException {
        Instant madeBy = Instant.now().plus(ScheduleBenchmark.BOUND);
        try (PreparedStatement query = db.prepareStatement("SELECT count(*) FROM schedule.schedule WHERE created_by = ?")) {
            query.setString(1, owner);
            while (true) {
                long made;
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    made = row.getLong(1);
                }
                if (made >= count) {
                    return;
                }
                InvariantViolation.check(Instant.now().isBefore(madeBy), "only %d of %d schedules were made", made, count);
                Thread.sleep(100);
            }
        }
    }

    /** A consumer of task-triggers positioned at its end: it sees only what is published from now on. */
    private KafkaConsumer<String, String> triggersFromNow() {
        KafkaConsumer<String, String> triggers = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
        triggers.subscribe(List.of("task-triggers"));
        while (triggers.assignment().isEmpty()) {
            triggers.poll(Duration.ofMillis(100));
        }
        triggers.seekToEnd(triggers.assignment());
        triggers.assignment().forEach(triggers::position);
        return triggers;
    }
}
