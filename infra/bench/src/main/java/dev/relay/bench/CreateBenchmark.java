package dev.relay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Creates tasks through the gateway ({@code POST /api/v1/tasks}, JSON acknowledgement) while their runs execute,
 * and prints creates/s and create latency. Two loads:
 * <ul>
 * <li>{@code fixed RATE}: an open loop, one create every 1/RATE s whatever the answers; latency is counted from when
 * the create was due, so a stalled server cannot hide its queue (no coordinated omission);</li>
 * <li>{@code max CONCURRENCY}: a closed loop of that many clients, each sending its next create as soon as the last
 * is answered: the most creates/s the system accepts.</li>
 * </ul>
 * Usage: {@code CreateBenchmark BASE_URL TOKEN JDBC_URL DB_USER fixed|max RATE_OR_CONCURRENCY SECONDS WARMUP_SECONDS};
 * {@code TOKEN} is one bearer token, or {@code @FILE} with one per line (one per organization: the creates take them
 * in turn). The task's text is {@code -Drelay.bench.task} (a plain request by default; the fake model provider reads
 * markers in it), and {@code -Drelay.bench.tool-calls-per-run} how many tool calls each run must have made.
 * After the load it waits for the created tasks' runs (read from the task service's database) and prints
 * {@code RESULT creates.<load>.<figure> <value>} lines. A create that was refused or not answered, a run that did
 * not complete, a budget reservation a finished run still holds or a tool call missing prints why on stderr and
 * exits 1 instead of figures.
 */
public final class CreateBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = JSON.createObjectNode()
            .put("task", System.getProperty("relay.bench.task", "Check the TLS setup of example.com"))
            .put("response_format", "json").toString();
    private static final String USAGE = "usage: CreateBenchmark BASE_URL TOKEN JDBC_URL DB_USER fixed|max RATE_OR_CONCURRENCY SECONDS WARMUP_SECONDS";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final List<String> tokens;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final Queue<UUID> created = new ConcurrentLinkedQueue<>();
    private volatile String failureSample;
    private volatile boolean unanswered;
    /** When the last load was due to end ({@link System#nanoTime()}): its runs' time to be done counts from there. */
    private volatile long dueEnd;

    private CreateBenchmark(String base, List<String> tokens) {
        this.uri = URI.create(base + "/api/v1/tasks");
        this.tokens = tokens;
    }

    /** The tokens an argument names: itself, or the lines of the file after its {@code @}. */
    static List<String> tokens(String argument) throws java.io.IOException {
        if (!argument.startsWith("@")) {
            return List.of(argument);
        }
        List<String> tokens = Files.readAllLines(Path.of(argument.substring(1))).stream().map(String::strip)
                .filter(line -> !line.isEmpty()).toList();
        InvariantViolation.check(!tokens.isEmpty(), "no tokens in %s", argument.substring(1));
        return tokens;
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    /** One load, without exiting: what main and the tiny-scale test run. */
    static void run(String... args) throws Exception {
        if (args.length != 8) {
            throw new IllegalArgumentException(USAGE);
        }
        CreateBenchmark bench = new CreateBenchmark(args[0], tokens(args[1]));
        String load = args[4];
        int amount = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        int warmup = Integer.parseInt(args[7]);
        if (warmup > 0) {
            bench.load(load, amount, warmup, new Latencies());
        }
        Latencies latencies = new Latencies();
        long started = System.nanoTime();
        int accepted = bench.load(load, amount, seconds, latencies);
        double elapsed = (System.nanoTime() - started) / 1e9;
        InvariantViolation.check(!bench.unanswered, "creates not answered within %d s of the load's end", 60);
        InvariantViolation.check(bench.failures.get() == 0, "%d creates failed, e.g. %s", bench.failures.get(), bench.failureSample);
        String key = "creates." + load;
        int toolCallsPerRun = Integer.getInteger("relay.bench.tool-calls-per-run", 0);
        new FinishedRuns(args[2], args[3]).await(key, List.copyOf(bench.created), toolCallsPerRun, bench.dueEnd);
        System.out.printf("RESULT %s.offered %s%n", key, load.equals("fixed") ? amount + "/s" : amount + " concurrent");
        System.out.printf("RESULT %s.per_s %.1f%n", key, accepted / elapsed);
        System.out.printf("RESULT %s.p50_ms %.2f%n", key, latencies.percentileMillis(0.50));
        System.out.printf("RESULT %s.p99_ms %.2f%n", key, latencies.percentileMillis(0.99));
        System.out.printf("RESULT %s.max_ms %.2f%n", key, latencies.percentileMillis(1.0));
        System.out.printf("RESULT %s.created %d%n", key, accepted);
        // every task of the load, its warm-up's too: what the CPU each process spent on the load is divided by
        System.out.printf("RESULT %s.tasks %d%n", key, bench.created.size());
        System.out.printf("SERIES %s %s%n", key, latencies.bySecond(started));
    }

    /** Runs one load for {@code seconds}; answers how many creates were accepted (202). */
    private int load(String load, int amount, int seconds, Latencies latencies) throws InterruptedException {
        return switch (load) {
            case "fixed" -> fixed(amount, seconds, latencies);
            case "max" -> closedLoop(amount, seconds, latencies);
            default -> throw new IllegalArgumentException("load must be fixed or max, got " + load);
        };
    }

    private int fixed(int rate, int seconds, Latencies latencies) throws InterruptedException {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime() + 10_000_000L;
        dueEnd = start + total * interval;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            timer.schedule(() -> create(due, latencies).whenComplete((ok, e) -> {
                if (Boolean.TRUE.equals(ok)) {
                    accepted.incrementAndGet();
                }
                done.countDown();
            }), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        unanswered |= !done.await(seconds + 60L, TimeUnit.SECONDS);
        timer.shutdownNow();
        return accepted.get();
    }

    private int closedLoop(int concurrency, int seconds, Latencies latencies) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        dueEnd = end;
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch clients = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            next(end, latencies, accepted, clients);
        }
        unanswered |= !clients.await(seconds + 60L, TimeUnit.SECONDS);
        return accepted.get();
    }

    private void next(long end, Latencies latencies, AtomicInteger accepted, CountDownLatch clients) {
        long now = System.nanoTime();
        if (now >= end) {
            clients.countDown();
            return;
        }
        create(now, latencies).whenComplete((ok, e) -> {
            if (Boolean.TRUE.equals(ok)) {
                accepted.incrementAndGet();
            }
            next(end, latencies, accepted, clients);
        });
    }

    /** Sends one create; its latency is counted from {@code due}. Completes with whether it was accepted. */
    private CompletableFuture<Boolean> create(long due, Latencies latencies) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens.get(Math.floorMod(sent.getAndIncrement(), tokens.size())))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            UUID task = failure == null && response.statusCode() == 202 ? taskId(response.body()) : null;
            if (task != null) {
                latencies.record(System.nanoTime() - due);
                created.add(task);
                return true;
            }
            failures.incrementAndGet();
            if (failureSample == null) {
                failureSample = failure != null ? failure.toString() : response.statusCode() + " " + response.body();
            }
            return false;
        });
    }

    /** The created task's id, or null for an acknowledgement without one (counted as a failed create). */
    private static UUID taskId(String acknowledgement) {
        try {
            return UUID.fromString(JSON.readTree(acknowledgement).path("task_id").asText());
        } catch (Exception e) {
            return null;
        }
    }
}
