package dev.relay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The noisy neighbour: organization A queues RUNS runs at once (as fast as CONCURRENCY clients create them),
 * organization B creates one task a second while A's runs drain. Printed for two modes in the same run: {@code fifo}
 * (A's own limit of runs at once lifted to the operator's ceiling: every run starts when its request is read, as
 * before the fair queue) and {@code fair} (A at the default limit, waiting runs taken round robin across
 * organizations). For each: A's throughput alone (runs finished per second, first create to last run finished), A's
 * throughput with B, and B's run start latency p50/p99/max (from B's create being sent to its run's
 * {@code started_at}), and how much of that was B's create (sent to answered). A warm-up of RUNS/4 of A's runs goes
 * first, unmeasured. Invariants: every created task has exactly one run, every run completed, none was claimed twice.
 * Usage: {@code NoisyNeighbourBenchmark BASE_URL TOKEN_A ADMIN_A TOKEN_B JDBC_URL DB_USER RUNS CONCURRENCY CEILING}.
 */
public final class NoisyNeighbourBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "usage: NoisyNeighbourBenchmark BASE_URL TOKEN_A ADMIN_A TOKEN_B JDBC_URL DB_USER RUNS CONCURRENCY CEILING [MODES: fifo,fair]";
    private static final String RUNS_OF = """
            SELECT count(*), count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE attempt <> 1),
                   count(DISTINCT task_id), max(completed_at)
            FROM task.task_run WHERE task_id = ANY(?::uuid[])""";
    private static final String STARTED = "SELECT task_id, started_at FROM task.task_run WHERE task_id = ANY(?::uuid[])";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String jdbcUrl;
    private final String dbUser;

    private NoisyNeighbourBenchmark(String base, String jdbcUrl, String dbUser) {
        this.base = base;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    static void run(String... args) throws Exception {
        if (args.length != 9 && args.length != 10) {
            throw new IllegalArgumentException(USAGE);
        }
        var bench = new NoisyNeighbourBenchmark(args[0], args[4], args[5]);
        String tokenA = args[1];
        String adminA = args[2];
        String tokenB = args[3];
        int runs = Integer.parseInt(args[6]);
        int concurrency = Integer.parseInt(args[7]);
        int ceiling = Integer.parseInt(args[8]);
        bench.queue(tokenA, Math.max(1, runs / 4), concurrency);
        List<String> modes = args.length == 10 ? List.of(args[9].split(",")) : List.of("fifo", "fair");
        if (!List.of("fifo", "fair").containsAll(modes)) {
            throw new IllegalArgumentException(USAGE);
        }
        for (String mode : modes) {
            bench.limit(adminA, mode.equals("fifo") ? ceiling : null);
            long[] alone = bench.queue(tokenA, runs, concurrency);
            System.out.printf("RESULT noisy.%s.a_alone_runs_per_s %.1f%n", mode, runs / seconds(alone));

            Map<UUID, Long> bSent = new ConcurrentHashMap<>();
            Map<UUID, Long> bAnswered = new ConcurrentHashMap<>();
            var bFailure = new java.util.concurrent.atomic.AtomicReference<RuntimeException>();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleAtFixedRate(() -> {
                long sent = System.currentTimeMillis();
                try {
                    UUID task = bench.create(tokenB);
                    bAnswered.put(task, System.currentTimeMillis() - sent);
                    bSent.put(task, sent);
                } catch (RuntimeException e) {
                    bFailure.compareAndSet(null, e);
                }
            }, 0, 1, TimeUnit.SECONDS);
            long[] withB;
            try {
                withB = bench.queue(tokenA, runs, concurrency);
            } finally {
                // no more ticks, and the create under way (if any) is answered and counted: interrupting it failed the
                // benchmark with an InterruptedException whenever A's runs ended during one of B's creates
                ticker.shutdown();
            }
            InvariantViolation.check(ticker.awaitTermination(90, TimeUnit.SECONDS), "organization B's last create did not end");
            if (bFailure.get() != null) {
                throw bFailure.get();
            }
            bench.finished(List.copyOf(bSent.keySet()));
            Map<UUID, Long> startedB = bench.started(List.copyOf(bSent.keySet()));
            long[] latencies = bSent.entrySet().stream().mapToLong(e -> startedB.get(e.getKey()) - e.getValue()).sorted().toArray();
            InvariantViolation.check(latencies.length > 0, "organization B created no task in mode %s", mode);
            System.out.printf("RESULT noisy.%s.a_with_b_runs_per_s %.1f%n", mode, runs / seconds(withB));
            System.out.printf("RESULT noisy.%s.b_runs %d%n", mode, latencies.length);
            System.out.printf("RESULT noisy.%s.b_start_p50_ms %d%n", mode, latencies[latencies.length / 2]);
            System.out.printf("RESULT noisy.%s.b_start_p99_ms %d%n", mode,
                    latencies[Math.max(0, (int) Math.ceil(0.99 * latencies.length) - 1)]);
            System.out.printf("RESULT noisy.%s.b_start_max_ms %d%n", mode, latencies[latencies.length - 1]);
            long[] creates = bAnswered.values().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("RESULT noisy.%s.b_create_p50_ms %d%n", mode, creates[creates.length / 2]);
            System.out.printf("RESULT noisy.%s.b_create_max_ms %d%n", mode, creates[creates.length - 1]);
        }
        bench.limit(adminA, null);
    }

    private static double seconds(long[] span) {
        return (span[1] - span[0]) / 1000.0;
    }

    /** A's own limit set to {@code limit}, or back to the default when null. */
    private void limit(String admin, Integer limit) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1/run-queue")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json");
        var sent = client.send(limit == null ? request.DELETE().build()
                : request.PUT(HttpRequest.BodyPublishers.ofString("{\"max_active_runs\":" + limit + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        InvariantViolation.check(sent.statusCode() == 200, "setting the run queue's limit answered %d %s", sent.statusCode(), sent.body());
    }

    /**
     * Creates {@code runs} tasks with {@code concurrency} clients and waits for all their runs; answers the wall-clock
     * span from the first create to the last run finished (epoch millis).
     */
    private long[] queue(String token, int runs, int concurrency) throws Exception {
        long first = System.currentTimeMillis();
        List<UUID> created = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        CountDownLatch clients = new CountDownLatch(concurrency);
        var pool = Executors.newFixedThreadPool(concurrency);
        for (int i = 0; i < concurrency; i++) {
            pool.execute(() -> {
                try {
                    while (next.getAndIncrement() < runs) {
                        created.add(create(token));
                    }
                } finally {
                    clients.countDown();
                }
            });
        }
        clients.await();
        pool.shutdown();
        long last = finished(List.copyOf(created));
        return new long[] {first, last};
    }

    private UUID create(String token) {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1/tasks")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task\":\"Check the TLS setup of example.com\",\"response_format\":\"json\"}"))
                .build();
        try {
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            InvariantViolation.check(response.statusCode() == 202, "a create answered %d %s", response.statusCode(), response.body());
            return UUID.fromString(JSON.readTree(response.body()).path("task_id").asText());
        } catch (InvariantViolation e) {
            throw e;
        } catch (Exception e) {
            throw new InvariantViolation("a create failed: " + e);
        }
    }

    /** Waits (ten minutes at most) until every task's one run completed; answers when the last finished (epoch millis). */
    private long finished(List<UUID> tasks) throws SQLException, InterruptedException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, ""); PreparedStatement query = db.prepareStatement(RUNS_OF)) {
            query.setArray(1, db.createArrayOf("uuid", tasks.toArray()));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (true) {
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    long all = row.getLong(1);
                    long completed = row.getLong(2);
                    if (completed == tasks.size() || System.nanoTime() > deadline) {
                        InvariantViolation.check(all == tasks.size() && row.getLong(4) == tasks.size(),
                                "%d tasks created, %d of them have runs, %d runs in all", tasks.size(), row.getLong(4), all);
                        InvariantViolation.check(completed == all, "%d of %d runs did not complete in ten minutes", all - completed, all);
                        InvariantViolation.check(row.getLong(3) == 0, "%d runs were claimed more than once", row.getLong(3));
                        return row.getTimestamp(5).getTime();
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    private Map<UUID, Long> started(List<UUID> tasks) throws SQLException {
        Map<UUID, Long> startedAt = new ConcurrentHashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, ""); PreparedStatement query = db.prepareStatement(STARTED)) {
            query.setArray(1, db.createArrayOf("uuid", tasks.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    startedAt.put((UUID) rows.getObject(1), rows.getTimestamp(2).getTime());
                }
            }
        }
        InvariantViolation.check(startedAt.size() == tasks.size(), "%d of %d runs have no start", tasks.size() - startedAt.size(), tasks.size());
        return startedAt;
    }
}
