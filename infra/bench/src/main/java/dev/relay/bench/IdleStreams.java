package dev.relay.bench;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;

/** The idle-connection part of the stream benchmark: a task that stays quiet, and many SSE viewers holding it open. */
final class IdleStreams {

    private IdleStreams() {
    }

    /** Publishes a task's task.created and nothing more; answers its id once the stream service stored it. */
    static UUID seed(String bootstrap, String jdbcUrl, String dbUser, String org, String user) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        UUID id = UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            var data = Envelopes.JSON.createObjectNode().put("created_by", user).put("visibility", "private").put("title", "idle");
            Envelopes.send(producer, new TaskEvent(UUID.randomUUID(), id, org, 1, null, TaskEventTypes.TASK_CREATED, Instant.now(), data));
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!stored(jdbcUrl, dbUser, id)) {
            InvariantViolation.check(Instant.now().isBefore(deadline), "the idle task %s was not stored within 60 s", id);
            Thread.sleep(50);
        }
        return id;
    }

    private static boolean stored(String jdbcUrl, String dbUser, UUID task) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, "");
                PreparedStatement query = db.prepareStatement("SELECT 1 FROM stream.task_event WHERE task_id = ?")) {
            query.setObject(1, task);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    /**
     * Opens {@code connections} idle SSE streams to {@code url}, checks every one answered 200, prints READY and
     * holds them for {@code holdSeconds}.
     */
    static Map<Integer, Integer> hold(String url, String token, int connections, int holdSeconds) throws Exception {
        try (VertxHttp http = VertxHttp.open(connections)) {
            List<CompletableFuture<Integer>> opened = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                opened.add(SseConnection.open(http.client(), URI.create(url), "-".equals(token) ? null : token, (event, body) -> { }));
                if (i % 200 == 199) {
                    Thread.sleep(50);
                }
            }
            Map<Integer, Integer> statuses = SseConnection.requireAllOk(opened, 120, "idle streams");
            System.out.printf("RESULT idle.statuses %s%n", statuses);
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(Duration.ofSeconds(holdSeconds).toMillis());
            return statuses;
        }
    }
}
