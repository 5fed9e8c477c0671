package dev.relay.bench;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;

/**
 * Relay's pipeline under load: events on task-events for many tasks, each task with a run of its own (a stream id
 * per task, as the task service writes them), through the stream service to one SSE viewer per task and to its log.
 * It checks what it measures: every stream answered 200, and every event published was delivered once and stored
 * once (published = delivered = stored), or it prints no figures.
 */
final class PipelineLoad {

    private final String bootstrap;
    private final String streamBase;
    private final String jdbcUrl;
    private final String dbUser;
    private final String token;
    private final String org;
    private final String user;

    PipelineLoad(String bootstrap, String streamBase, String jdbcUrl, String dbUser, String token, String org, String user) {
        this.bootstrap = bootstrap;
        this.streamBase = streamBase;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.token = token;
        this.org = org;
        this.user = user;
    }

    void run(int tasks, int rate, int seconds, int warmup) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "1");
        Latencies latencies = new Latencies();
        Warmup warm = new Warmup();
        AtomicLong lastReceipt = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(tasks);
        List<UUID> ids = new ArrayList<>();
        UUID[] streamIds = new UUID[tasks];
        for (int i = 0; i < tasks; i++) {
            ids.add(UUID.randomUUID());
            streamIds[i] = UUID.randomUUID();
        }
        try (VertxHttp http = VertxHttp.open(tasks);
                KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                StoredEvents stored = new StoredEvents(jdbcUrl, dbUser, ids)) {
            long[] seqs = new long[tasks];
            for (int i = 0; i < tasks; i++) {
                var data = Envelopes.JSON.createObjectNode().put("created_by", user).put("visibility", "private").put("title", "bench");
                Envelopes.send(producer, new TaskEvent(UUID.randomUUID(), ids.get(i), org, ++seqs[i], null, TaskEventTypes.TASK_CREATED,
                        Instant.now(), data));
            }
            producer.flush();
            List<CompletableFuture<Integer>> opened = new ArrayList<>();
            for (UUID id : ids) {
                URI uri = URI.create(streamBase + "/api/preview/agents/" + org + "/tasks/" + id + "/events/stream");
                opened.add(SseConnection.open(http.client(), uri, token, (event, body) -> {
                    if (TaskEventTypes.MESSAGE_DELTA.equals(event)) {
                        long sent = Envelopes.sentNanos(body);
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
            SseConnection.requireAllOk(opened, 60, "task streams");
            Thread.sleep(500);
            String[] taskIds = ids.stream().map(UUID::toString).toArray(String[]::new);
            LongConsumer publish = n -> {
                int task = (int) (n % tasks);
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, taskIds[task],
                        Envelopes.delta(taskIds[task], org, ++seqs[task], streamIds[task])));
            };
            // an event is through the pipeline once it reached its viewer and the log
            LongSupplier through = () -> Math.min(warm.received() + latencies.count(), stored.count() - tasks);
            warm.run(rate, warmup, publish, through, producer::flush);
            long start = System.nanoTime();
            long storedBefore = stored.count();
            long published = Pacing.pace(rate, seconds, publish, through.getAsLong(), through);
            producer.flush();
            long publishedIn = System.nanoTime() - start;
            long bound = Math.max(60, seconds * 4L);
            long storedAll = awaitStored(stored, storedBefore + published, bound);
            long storedOfLoad = stored.count() - storedBefore;
            for (int i = 0; i < tasks; i++) {
                Envelopes.send(producer, new TaskEvent(UUID.randomUUID(), ids.get(i), org, ++seqs[i], streamIds[i],
                        TaskEventTypes.RUN_COMPLETED, Instant.now(), Envelopes.JSON.createObjectNode()));
            }
            producer.flush();
            boolean all = finished.await(bound, TimeUnit.SECONDS);
            long everyEvent = tasks + warm.sent() + published + tasks; // created, warm-up, load, completed
            awaitStored(stored, everyEvent, bound);
            check(tasks, finished.getCount(), published, latencies.count(), warm, storedOfLoad, everyEvent, stored.exactCount());

            LoadFigures.print("pipeline", published, publishedIn, latencies, lastReceipt.get() - start);
            System.out.printf("RESULT pipeline.stored %d%n", storedOfLoad);
            System.out.printf("RESULT pipeline.stored_per_s %.0f%n", published / ((storedAll - start) / 1e9));
            System.out.printf("RESULT pipeline.through_per_s %.0f%n", published / ((Math.max(storedAll, lastReceipt.get()) - start) / 1e9));
            System.out.printf("SERIES pipeline second:count/p50_ms/p99_ms %s%n", latencies.bySecond(start));
            System.out.printf("RESULT pipeline.all_streams_completed %s%n", all);
        }
    }

    /** published = delivered = stored, for the measured load, the warm-up and the log as a whole. */
    private static void check(int tasks, long unfinished, long published, long delivered, Warmup warm, long storedOfLoad,
            long everyEvent, long storedExactly) {
        InvariantViolation.check(unfinished == 0, "%d of %d task streams never received their run.completed", unfinished, tasks);
        InvariantViolation.check(warm.received() == warm.sent(), "warm-up: %d events published, %d delivered", warm.sent(), warm.received());
        InvariantViolation.check(delivered == published, "%d events published, %d delivered to their viewers", published, delivered);
        InvariantViolation.check(storedOfLoad == published, "%d events published, %d stored", published, storedOfLoad);
        InvariantViolation.check(storedExactly == everyEvent, "%d events of the load's tasks published in all, the log holds %d",
                everyEvent, storedExactly);
    }

    /** Waits until the log holds {@code target} events of the load's tasks; answers when it did (or gave up). */
    private static long awaitStored(StoredEvents stored, long target, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (stored.count() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return stored.count() >= target ? stored.lastChangeNanos() : System.nanoTime();
    }
}
