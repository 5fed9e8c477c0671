package dev.relay.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Streaming creates (the Neo create in SSE mode, relayed by the task service from the stream service), one after the
 * other through the gateway: how long until the first event arrives, and until the stream ends. Every stream must
 * answer 200, begin with {@code task.created} and end with its run's {@code run.completed}, or no figure is printed.
 * Usage: {@code FirstEventBenchmark <base-url> <token> <creates> <warm-up creates>}.
 */
public final class FirstEventBenchmark {

    private static final String USAGE = "usage: FirstEventBenchmark <base-url> <token> <creates> <warm-up creates>";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final String token;

    private FirstEventBenchmark(String base, String token) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.token = token;
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    static void run(String... args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(USAGE);
        }
        FirstEventBenchmark bench = new FirstEventBenchmark(args[0], args[1]);
        int creates = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        for (int i = 0; i < warmup; i++) {
            bench.create("warm-up " + i, new Latencies(), new Latencies());
        }
        Latencies first = new Latencies();
        Latencies end = new Latencies();
        for (int i = 0; i < creates; i++) {
            bench.create("first event " + i, first, end);
        }
        System.out.printf("streaming creates %d, each streamed from task.created to run.completed%n", first.count());
        System.out.printf("first event ms p50 %.1f p90 %.1f p99 %.1f%n", first.percentileMillis(0.5), first.percentileMillis(0.9),
                first.percentileMillis(0.99));
        System.out.printf("stream end ms p50 %.1f p90 %.1f p99 %.1f%n", end.percentileMillis(0.5), end.percentileMillis(0.9),
                end.percentileMillis(0.99));
        System.out.printf("RESULT first_event.p50_ms %.1f%nRESULT first_event.p99_ms %.1f%n", first.percentileMillis(0.5),
                first.percentileMillis(0.99));
    }

    private void create(String task, Latencies first, Latencies end) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/tasks")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task\":\"" + task + "\"}")).build();
        long started = System.nanoTime();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        InvariantViolation.check(response.statusCode() == 200, "a streaming create answered %d", response.statusCode());
        String firstType = null;
        String lastType = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    lastType = line.substring(6).strip();
                    if (firstType == null) {
                        firstType = lastType;
                        first.record(System.nanoTime() - started);
                    }
                }
            }
        }
        end.record(System.nanoTime() - started);
        InvariantViolation.check("task.created".equals(firstType), "a streaming create's stream began with %s", firstType);
        InvariantViolation.check("run.completed".equals(lastType), "a streaming create's stream ended with %s", lastType);
    }
}
