package dev.relay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The billing service's metering rate.
 * <ul>
 * <li>{@code fill BOOTSTRAP COUNT}: COUNT usage.reported task events on task-events, as the task service writes them;</li>
 * <li>{@code watch JDBC_URL USER COUNT}: once the billing service starts metering, how long until the ledger holds all
 * COUNT reports: usage events/s from the first row to the last;</li>
 * <li>{@code ceiling JDBC_URL USER COUNT}: PostgreSQL alone: COUNT ledger rows made up inside the database and inserted
 * into a copy of the ledger (same columns, keys and indexes), 2 000 per statement and commit as the service does, with
 * neither Kafka nor Java in the way: the most any design that keeps one durable row per event can meter here.</li>
 * </ul>
 * A run in which the ledger does not hold every report exactly once, with exactly the tokens sent, prints why on
 * stderr and exits 1 instead of figures.
 */
public final class MeteringBenchmark {

    /** The organizations the reports are spread over. */
    private static final int ORGS = 50;

    private MeteringBenchmark() {
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    /** One mode, without exiting: what main and the tiny-scale test run. */
    static void run(String... args) throws Exception {
        switch (args[0]) {
            case "fill" -> fill(args[1], Integer.parseInt(args[2]));
            case "watch" -> watch(args[1], args[2], Integer.parseInt(args[3]));
            case "ceiling" -> ceiling(args[1], args[2], Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void fill(String bootstrap, int count) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 65536), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String task = UUID.randomUUID().toString();
                producer.send(new ProducerRecord<>("task-events", task, "{\"id\":\"" + UUID.randomUUID() + "\",\"task_id\":\"" + task
                        + "\",\"org\":\"bench-org-" + (i % ORGS) + "\",\"seq\":" + (5 + i % 3) + ",\"stream_id\":\"" + UUID.randomUUID()
                        + "\",\"type\":\"usage.reported\",\"created_at\":\"" + Instant.now() + "\",\"data\":{\"model\":\"sonnet-4.6\","
                        + "\"input_tokens\":" + inputTokens(i) + ",\"output_tokens\":" + outputTokens(i) + ",\"total_tokens\":0,"
                        + "\"user\":\"user-" + (i % 500) + "@bench.dev\"}}"));
            }
        }
        System.out.printf("filled task-events with %d usage reports%n", count);
    }

    private static long inputTokens(int report) {
        return 100 + report % 900;
    }

    private static long outputTokens(int report) {
        return 20 + report % 300;
    }

    private static void watch(String jdbcUrl, String user, int count) throws Exception {
        long first = 0;
        long last;
        long rows = 0;
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, ""); Statement statement = db.createStatement()) {
            long deadline = System.currentTimeMillis() + 600_000;
            boolean budgeted = false;
            while (rows < count && System.currentTimeMillis() < deadline) {
                try (ResultSet result = statement.executeQuery("SELECT count(*) FROM billing.usage_entry WHERE org LIKE 'bench-org-%'")) {
                    result.next();
                    rows = result.getLong(1);
                    if (!budgeted) {
                        // every organization has a budget, so metering also publishes their states as in production
                        statement.executeUpdate("INSERT INTO billing.budget (org, window_kind, base_allowance, window_days, window_start,"
                                + " created_at, updated_at) SELECT 'bench-org-' || i, 'individual', 1000000000000, 30, now() - interval '1 day',"
                                + " now(), now() FROM generate_series(0, " + (ORGS - 1) + ") i ON CONFLICT DO NOTHING");
                        statement.executeUpdate("INSERT INTO billing.budget_publication (org, version) SELECT 'bench-org-' || i, 0"
                                + " FROM generate_series(0, " + (ORGS - 1) + ") i ON CONFLICT DO NOTHING");
                        budgeted = true;
                    }
                } catch (Exception notYet) {
                    // the service has not created its schema yet
                    rows = 0;
                }
                if (rows > 0 && first == 0) {
                    first = System.currentTimeMillis();
                }
                Thread.sleep(100);
            }
            last = System.currentTimeMillis();
        }
        checkLedger(jdbcUrl, user, count);
        long states;
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, ""); Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery("SELECT coalesce(sum(version), 0) FROM billing.budget_publication")) {
            result.next();
            states = result.getLong(1);
        }
        System.out.printf("RESULT metering.budget_states_published %d (%d organizations with budgets)%n", states, ORGS);
        double seconds = (last - first) / 1000.0;
        System.out.printf("RESULT metering.events %d of %d%n", rows, count);
        System.out.printf("RESULT metering.seconds %.2f%n", seconds);
        System.out.printf("RESULT metering.events_per_s %.0f%n", rows / Math.max(seconds, 0.001));
    }

    /** Every report metered exactly once: as many ledger rows as reports, and exactly the tokens they carried. */
    private static void checkLedger(String jdbcUrl, String user, int count) throws Exception {
        long input = 0;
        long output = 0;
        for (int i = 0; i < count; i++) {
            input += inputTokens(i);
            output += outputTokens(i);
        }
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, ""); Statement statement = db.createStatement();
                ResultSet ledger = statement.executeQuery("SELECT count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0)"
                        + " FROM billing.usage_entry WHERE org LIKE 'bench-org-%'")) {
            ledger.next();
            InvariantViolation.check(ledger.getLong(1) == count && ledger.getLong(2) == input && ledger.getLong(3) == output,
                    "%d usage reports with %d input and %d output tokens sent, the ledger holds %d with %d and %d", count, input, output,
                    ledger.getLong(1), ledger.getLong(2), ledger.getLong(3));
        }
    }

    private static void ceiling(String jdbcUrl, String user, int count) throws Exception {
        int batch = 2_000;
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, ""); Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE billing.usage_ceiling (LIKE billing.usage_entry INCLUDING ALL)");
            long started = System.nanoTime();
            for (int done = 0; done < count; done += batch) {
                statement.executeUpdate("INSERT INTO billing.usage_ceiling SELECT gen_random_uuid(), 'bench-org-' || (i % " + ORGS
                        + "), 'user-' || (i % 500) || '@bench.dev', NULL, gen_random_uuid(), gen_random_uuid(), 'sonnet-4.6',"
                        + " 100 + i % 900, 20 + i % 300, 120 + i % 1200, now() FROM generate_series(1, " + Math.min(batch, count - done)
                        + ") i ON CONFLICT (event_id) DO NOTHING");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM billing.usage_ceiling")) {
                rows.next();
                InvariantViolation.check(rows.getLong(1) == count, "%d ledger rows inserted, the table holds %d", count, rows.getLong(1));
            }
            statement.execute("DROP TABLE billing.usage_ceiling");
            System.out.printf("RESULT postgres.ledger_rows_per_s %.0f (%d rows in %.2f s, no Kafka, no Java)%n", count / seconds, count, seconds);
        }
    }
}
