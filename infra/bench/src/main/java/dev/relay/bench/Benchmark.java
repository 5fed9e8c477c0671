package dev.relay.bench;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The Java half of infra/bench/run.sh. Subcommands:
 * <pre>
 *   pipeline BOOTSTRAP STREAM_BASE JDBC_URL DB_USER TOKEN ORG USER TASKS RATE SECONDS WARMUP
 *                                                                     events via Kafka to the stream service's SSE viewers and log
 *   nchan    PUB_BASE SUB_BASE CHANNELS RATE SECONDS WARMUP                    the same load through nchan
 *   seed     BOOTSTRAP ORG USER                                          publish an idle task (task.created only), print its id
 *   idle     URL TOKEN CONNECTIONS HOLD_SECONDS                         open idle SSE connections and hold them
 * </pre>
 * RATE 0 means as fast as the system delivers (at most bench.window, 20 000, events in flight). WARMUP seconds of
 * the same load run first and are not measured (the JVMs compile their hot paths meanwhile); measuring starts once
 * every warm-up event has arrived.
 * Every figure is printed as "RESULT name value".
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String PAD = "x".repeat(40);
    private static final String SENT_NANOS = "\"sent_nanos\":";
    /** Events in flight end to end in a maximum-rate load. */
    private static final int WINDOW = Integer.getInteger("bench.window", 20_000);
    /** Concurrent HTTP publishes to nchan. */
    private static final int PUBLISHERS = 64;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "pipeline" -> pipeline(args[1], args[2], args[3], args[4], args[5], args[6], args[7], Integer.parseInt(args[8]),
                    Integer.parseInt(args[9]), Integer.parseInt(args[10]), Integer.parseInt(args[11]));
            case "nchan" -> nchan(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]));
            case "seed" -> seed(args[1], args[2], args[3]);
            case "idle" -> idle(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown subcommand " + args[0]);
        }
        System.exit(0);
    }

    private static void pipeline(String bootstrap, String streamBase, String jdbcUrl, String dbUser, String token, String org,
            String user, int tasks, int rate, int seconds, int warmup) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "1");
        HttpClient http = httpClient(tasks);
        Latencies latencies = new Latencies();
        Warmup warm = new Warmup();
        AtomicLong lastReceipt = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(tasks);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(UUID.randomUUID());
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                StoredEvents stored = new StoredEvents(jdbcUrl, dbUser, ids)) {
            long[] seqs = new long[tasks];
            for (int i = 0; i < tasks; i++) {
                ObjectNode data = JSON.createObjectNode().put("created_by", user).put("visibility", "private").put("title", "bench");
                send(producer, new TaskEvent(UUID.randomUUID(), ids.get(i), org, ++seqs[i], null, TaskEventTypes.TASK_CREATED,
                        Instant.now(), data));
            }
            producer.flush();
            List<CompletableFuture<Integer>> opened = new ArrayList<>();
            for (UUID id : ids) {
                URI uri = URI.create(streamBase + "/api/preview/agents/" + org + "/tasks/" + id + "/events/stream");
                opened.add(SseConnection.open(http, uri, token, (event, body) -> {
                    if (TaskEventTypes.MESSAGE_DELTA.equals(event)) {
                        long sent = sentNanos(body);
                        long now = System.nanoTime();
                        if (warm.isMeasured(sent)) {
                            latencies.record(now - sent);
                            lastReceipt.set(now);
                        }
                    } else if (TaskEventTypes.RUN_COMPLETED.equals(event)) {
                        finished.countDown();
                    }
                }));
            }
            for (CompletableFuture<Integer> status : opened) {
                if (status.get(60, TimeUnit.SECONDS) != 200) {
                    throw new IllegalStateException("a stream answered " + status.get());
                }
            }
            Thread.sleep(500);
            UUID streamId = UUID.randomUUID();
            String[] taskIds = ids.stream().map(UUID::toString).toArray(String[]::new);
            LongConsumer publish = n -> {
                int task = (int) (n % tasks);
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, taskIds[task],
                        deltaEnvelope(taskIds[task], org, ++seqs[task], streamId)));
            };
            // an event is through the pipeline once it reached its viewer and the log
            LongSupplier through = () -> Math.min(warm.received() + latencies.count(), stored.count() - tasks);
            warm.run(rate, warmup, publish, through, producer::flush);
            long start = System.nanoTime();
            long storedBefore = stored.count();
            long published = pace(rate, seconds, publish, through.getAsLong(), through);
            producer.flush();
            long publishedIn = System.nanoTime() - start;
            long storedAll = awaitStored(stored, storedBefore + published, Math.max(60, seconds * 4L));
            long storedOfLoad = Math.min(published, stored.count() - storedBefore);
            for (int i = 0; i < tasks; i++) {
                send(producer, new TaskEvent(UUID.randomUUID(), ids.get(i), org, ++seqs[i], streamId, TaskEventTypes.RUN_COMPLETED,
                        Instant.now(), JSON.createObjectNode()));
            }
            producer.flush();
            boolean all = finished.await(Math.max(60, seconds * 4L), TimeUnit.SECONDS);
            report("pipeline", published, publishedIn, latencies, lastReceipt.get() - start);
            System.out.printf("RESULT pipeline.stored %d%n", storedOfLoad);
            System.out.printf("RESULT pipeline.stored_per_s %.0f%n", published / ((storedAll - start) / 1e9));
            System.out.printf("RESULT pipeline.through_per_s %.0f%n", published / ((Math.max(storedAll, lastReceipt.get()) - start) / 1e9));
            System.out.printf("SERIES pipeline second:count/p50_ms/p99_ms %s%n", latencies.bySecond(start));
            System.out.printf("RESULT pipeline.all_streams_completed %s%n", all);
        }
    }

    private static void nchan(String pubBase, String subBase, int channels, int rate, int seconds, int warmup) throws Exception {
        HttpClient http = httpClient(channels);
        HttpClient publisher = httpClient(PUBLISHERS);
        Latencies latencies = new Latencies();
        Warmup warm = new Warmup();
        AtomicLong lastReceipt = new AtomicLong();
        List<CompletableFuture<Integer>> opened = new ArrayList<>();
        // channels of their own per run: nchan replays a channel's buffered messages to new subscribers
        String run = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < channels; i++) {
            opened.add(SseConnection.open(http, URI.create(subBase + "/ch" + run + "x" + i), null, (event, body) -> {
                long now = System.nanoTime();
                long sent = sentNanos(body);
                if (warm.isMeasured(sent)) {
                    latencies.record(now - sent);
                    lastReceipt.set(now);
                }
            }));
        }
        for (CompletableFuture<Integer> status : opened) {
            if (status.get(60, TimeUnit.SECONDS) != 200) {
                throw new IllegalStateException("an nchan subscriber answered " + status.get());
            }
        }
        Thread.sleep(500);
        Semaphore inFlight = new Semaphore(PUBLISHERS);
        LongConsumer publish = n -> {
            String body = "{\"delta\":\"" + PAD + "\",\"sent_nanos\":" + System.nanoTime() + "}";
            inFlight.acquireUninterruptibly();
            // done once nchan answered (its short body is dropped): waiting on body() can miss a body that already came
            publisher.request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setAbsoluteURI(pubBase + "?id=ch" + run + "x" + (n % channels)))
                    .compose(request -> request.send(Buffer.buffer(body)))
                    .onComplete(answered -> inFlight.release());
        };
        LongSupplier received = () -> warm.received() + latencies.count();
        warm.run(rate, warmup, publish, received, () -> {
            inFlight.acquireUninterruptibly(PUBLISHERS);
            inFlight.release(PUBLISHERS);
        });
        long start = System.nanoTime();
        long published = pace(rate, seconds, publish, received.getAsLong(), received);
        long publishedIn = System.nanoTime() - start;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(30, seconds * 2L));
        while (latencies.count() < published && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        report("nchan", published, publishedIn, latencies, lastReceipt.get() - start);
    }

    private static void seed(String bootstrap, String org, String user) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        UUID id = UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            ObjectNode data = JSON.createObjectNode().put("created_by", user).put("visibility", "private").put("title", "idle");
            send(producer, new TaskEvent(UUID.randomUUID(), id, org, 1, null, TaskEventTypes.TASK_CREATED, Instant.now(), data));
        }
        System.out.println(id);
    }

    private static void idle(String url, String token, int connections, int holdSeconds) throws Exception {
        HttpClient http = httpClient(connections);
        List<CompletableFuture<Integer>> opened = new ArrayList<>();
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < connections; i++) {
            opened.add(SseConnection.open(http, URI.create(url), "-".equals(token) ? null : token, (event, body) -> { }));
            if (i % 200 == 199) {
                Thread.sleep(50);
            }
        }
        for (CompletableFuture<Integer> status : opened) {
            statuses.merge(status.get(120, TimeUnit.SECONDS), 1, Integer::sum);
        }
        System.out.printf("RESULT idle.statuses %s%n", statuses);
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Duration.ofSeconds(holdSeconds).toMillis());
    }

    /** A client of its own Vert.x (two event loops) that keeps up to {@code connections} connections to one server. */
    private static HttpClient httpClient(int connections) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(60_000),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /**
     * A message.delta envelope as the task service writes it (the TaskEvent JSON), built by hand: the load generator
     * shares the machine with what it measures, so it should cost as little as it can.
     */
    static String deltaEnvelope(String taskId, String org, long seq, UUID streamId) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        UUID id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        return new StringBuilder(320).append("{\"id\":\"").append(id).append("\",\"task_id\":\"").append(taskId)
                .append("\",\"org\":\"").append(org).append("\",\"seq\":").append(seq)
                .append(",\"stream_id\":\"").append(streamId).append("\",\"type\":\"").append(TaskEventTypes.MESSAGE_DELTA)
                .append("\",\"created_at\":\"").append(Instant.now()).append("\",\"data\":{\"delta\":\"").append(PAD)
                .append("\",\"sent_nanos\":").append(System.nanoTime()).append("}}").toString();
    }

    /**
     * The unmeasured first part of a load: events sent before {@link #run} returns are counted as warm-up on receipt,
     * and {@code run} returns once all of them arrived (or after two minutes), so they cannot queue into the measurement.
     */
    private static final class Warmup {
        private final AtomicLong received = new AtomicLong();
        private volatile long measureFrom = Long.MAX_VALUE;

        long received() {
            return received.get();
        }

        boolean isMeasured(long sentNanos) {
            if (sentNanos >= measureFrom) {
                return true;
            }
            received.incrementAndGet();
            return false;
        }

        void run(int rate, int seconds, LongConsumer publish, LongSupplier delivered, Runnable flush) throws InterruptedException {
            long sent = seconds > 0 ? pace(rate, seconds, publish, 0, delivered) : 0;
            flush.run();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (delivered.getAsLong() < sent && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.printf("RESULT warmup.events %d%nRESULT warmup.received %d%n", sent, received.get());
            measureFrom = System.nanoTime();
        }
    }

    /** Waits until the log holds {@code target} events of the load's tasks; answers when it did (or gave up). */
    private static long awaitStored(StoredEvents stored, long target, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (stored.count() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return stored.count() >= target ? stored.lastChangeNanos() : System.nanoTime();
    }

    /** Deliveries per second count from the first publish to the last receipt. */
    private static void report(String name, long published, long publishedInNanos, Latencies latencies, long deliveredInNanos) {
        System.out.printf("RESULT %s.published %d%n", name, published);
        System.out.printf("RESULT %s.publish_rate %.0f%n", name, published / (publishedInNanos / 1e9));
        System.out.printf("RESULT %s.delivered %d%n", name, latencies.count());
        System.out.printf("RESULT %s.delivered_per_s %.0f%n", name, latencies.count() / (deliveredInNanos / 1e9));
        System.out.printf("RESULT %s.p50_ms %.2f%n", name, latencies.percentileMillis(0.50));
        System.out.printf("RESULT %s.p99_ms %.2f%n", name, latencies.percentileMillis(0.99));
        System.out.printf("RESULT %s.p999_ms %.2f%n", name, latencies.percentileMillis(0.999));
    }

    /**
     * Calls {@code publish} with 0, 1, 2… for {@code seconds}: at {@code rate} per second, or with rate 0 as fast as
     * the system delivers, keeping at most {@link #WINDOW} events published but not yet received (a closed loop, so
     * the maximum is what the pipeline carries, not how fast a producer can fill a queue in front of it).
     * {@code deliveredBefore} is what {@code delivered} counted before this load began.
     */
    private static long pace(int rate, int seconds, LongConsumer publish, long deliveredBefore, LongSupplier delivered) {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long n = 0;
        while (System.nanoTime() < end) {
            if (rate > 0) {
                long due = start + n * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            } else {
                while (n - (delivered.getAsLong() - deliveredBefore) >= WINDOW && System.nanoTime() < end) {
                    LockSupport.parkNanos(100_000);
                }
            }
            publish.accept(n++);
        }
        return n;
    }

    private static void send(KafkaProducer<String, String> producer, TaskEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, event.taskId().toString(), JSON.writeValueAsString(event)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The publish time a test event carries. Read by position, not with a JSON parser: the client shares the machine
     * with what it measures, so it should cost as little as it can (the same for Relay and nchan).
     */
    static long sentNanos(String body) {
        int at = body.indexOf(SENT_NANOS);
        if (at < 0) {
            throw new IllegalStateException("an event without sent_nanos: " + body);
        }
        int start = at + SENT_NANOS.length();
        int end = start;
        while (end < body.length() && (Character.isDigit(body.charAt(end)) || body.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(body, start, end, 10);
    }
}
