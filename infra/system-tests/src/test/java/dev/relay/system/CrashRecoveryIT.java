package dev.relay.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.BrokerProcess;
import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestTokens;

/**
 * kill -9 of the stream service, then the task service, then the broker, each restarted, while tasks are created
 * and run and viewers read their streams. Afterwards every acknowledged task has a complete, gap-free,
 * duplicate-free log and resumed stream, and ended within
 * {@link #RECOVERY_BOUND}. Runs orphaned by the task service's death are resumed by the restarted service (silent for
 * 10 s here), none ends as failed.
 */
class CrashRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "crash";
    private static final String TOKEN = TestTokens.bearer(ORG, "survivor@crash.dev");
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);
    private static final Set<String> TERMINAL = Set.of("run.completed", "run.failed", "run.aborted");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static BrokerProcess broker;
    private static PackagedService streamService;
    private static PackagedService taskService;

    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusedCreates = new AtomicInteger();
    private final AtomicInteger viewerDuplicates = new AtomicInteger();
    private final AtomicInteger viewerEvents = new AtomicInteger();
    private final AtomicInteger viewerBreaks = new AtomicInteger();
    private final AtomicBoolean brokerDown = new AtomicBoolean();
    private final AtomicInteger acceptedWhileBrokerDown = new AtomicInteger();
    private final AtomicInteger refusedWhileBrokerDown = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong slowestWhileBrokerDownMs = new java.util.concurrent.atomic.AtomicLong();

    @BeforeAll
    static void startSystem() {
        broker = BrokerProcess.start();
        Map<String, String> kafka = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        streamService = PackagedService.start("stream-service", kafka);
        Map<String, String> task = TaskServiceEnv.recoveringAfter(streamService, "10s");
        task.putAll(kafka);
        taskService = PackagedService.start("task-service", task);
    }

    @AfterAll
    static void stopSystem() {
        for (AutoCloseable closeable : new AutoCloseable[] {taskService, streamService, broker}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void afterKillingEachPartNoAcknowledgedTaskIsLostDuplicatedGappedOrStuck() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(4);
        load.submit(() -> create(running));
        for (int i = 0; i < 3; i++) {
            load.submit(() -> view(running));
        }

        // each part is killed once the load made progress, and restarted once its absence was felt
        loadProgresses();
        int breaks = viewerBreaks.get();
        streamService.kill();
        await("a viewer lost its stream").atMost(Duration.ofSeconds(30)).until(() -> viewerBreaks.get() > breaks);
        streamService = streamService.restart();
        loadProgresses();
        int refused = refusedCreates.get();
        taskService.kill();
        await("a create was refused").atMost(Duration.ofSeconds(30)).until(() -> refusedCreates.get() > refused);
        taskService = taskService.restart();
        loadProgresses();
        brokerDown.set(true);
        broker.kill();
        await("creates answered while the broker is down").atMost(Duration.ofSeconds(30))
                .until(() -> acceptedWhileBrokerDown.get() + refusedWhileBrokerDown.get() >= 10);
        broker.restart();
        brokerDown.set(false);
        loadProgresses();
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        Instant recoveryStarted = Instant.now();
        Map<String, Verdict> verdicts = new HashMap<>();
        try {
            await("every task settled").atMost(RECOVERY_BOUND).pollInSameThread().pollInterval(Duration.ofSeconds(1)).until(() -> {
                for (String taskId : acknowledged) {
                    Verdict known = verdicts.get(taskId);
                    if (known == null || !known.settled()) {
                        verdicts.put(taskId, verdict(taskId));
                    }
                }
                return verdicts.values().stream().allMatch(Verdict::settled);
            });
        } catch (ConditionTimeoutException notAllSettled) {
            // the tasks not settled are reported below, with the figures
        }
        Duration recovery = Duration.between(recoveryStarted, Instant.now());
        int resumedChecked = checkResumedStreams(verdicts);

        long events = verdicts.values().stream().mapToLong(Verdict::events).sum();
        long lost = verdicts.values().stream().filter(v -> v.events() == 0).count();
        long duplicated = verdicts.values().stream().mapToLong(Verdict::duplicates).sum();
        long gaps = verdicts.values().stream().mapToLong(Verdict::gaps).sum();
        long stuck = verdicts.values().stream().filter(v -> !v.settled()).count();
        System.out.printf("[figures] crash recovery: tasks %d (creates refused while a part was down %d), events %d, lost %d, "
                        + "duplicated %d, gaps %d, stuck %d, recovery %.1f s after the last restart, viewer events %d "
                        + "(duplicates seen %d), resumed streams checked %d%n",
                acknowledged.size(), refusedCreates.get(), events, lost, duplicated, gaps, stuck, recovery.toMillis() / 1000.0,
                viewerEvents.get(), viewerDuplicates.get(), resumedChecked);
        long failed = verdicts.values().stream().filter(Verdict::failed).count();
        long recovered = verdicts.values().stream().filter(Verdict::recovered).count();
        System.out.printf("[figures] runs whose worker was killed and that another took over: %d; runs that failed: %d%n",
                recovered, failed);
        System.out.printf("[figures] while the broker was down: creates accepted %d, refused %d, slowest %d ms%n",
                acceptedWhileBrokerDown.get(), refusedWhileBrokerDown.get(), slowestWhileBrokerDownMs.get());

        assertThat(acknowledged).hasSizeGreaterThan(50);
        assertThat(verdicts.entrySet()).filteredOn(entry -> !entry.getValue().settled())
                .as("tasks not settled within %s", RECOVERY_BOUND).isEmpty();
        assertThat(lost + duplicated + gaps + viewerDuplicates.get()).isZero();
        // runs the dead task service was working were resumed by the restarted one, not ended as failed
        assertThat(failed).isZero();
        // the database is up: creates go into the outbox and are answered at once, not held until the broker returns
        assertThat(acceptedWhileBrokerDown.get()).isPositive();
        assertThat(refusedWhileBrokerDown.get()).isZero();
        assertThat(slowestWhileBrokerDownMs.get()).isLessThan(1000);
    }

    /** Creates tasks (JSON acknowledgement) about 10 per second; a 202 is an acknowledged task. */
    private void create(AtomicBoolean running) {
        while (running.get()) {
            boolean duringBrokerOutage = brokerDown.get();
            long started = System.nanoTime();
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(taskService.uri("/api/v1/tasks"))
                        .timeout(Duration.ofSeconds(5)).header("Authorization", TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"task\":\"survive " + acknowledged.size() + "\",\"response_format\":\"json\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    acknowledged.add(JSON.readTree(response.body()).get("task_id").asText());
                } else {
                    refusedCreates.incrementAndGet();
                }
                if (duringBrokerOutage && brokerDown.get()) {
                    (response.statusCode() == 202 ? acceptedWhileBrokerDown : refusedWhileBrokerDown).incrementAndGet();
                    slowestWhileBrokerDownMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                }
            } catch (IOException down) {
                refusedCreates.incrementAndGet();
                if (duringBrokerOutage) {
                    refusedWhileBrokerDown.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            }
            pace(100);
        }
    }

    /** Reads the stream of a recent task until it ends or breaks, counting events seen twice. */
    private void view(AtomicBoolean running) {
        while (running.get()) {
            if (acknowledged.isEmpty()) {
                pace(200);
                continue;
            }
            String taskId = acknowledged.get(Math.max(0, acknowledged.size() - 1 - ThreadLocalRandom.current().nextInt(5)));
            try {
                SseClient.Result result = SseClient.get(streamUri(taskId), Map.of("Authorization", TOKEN), Duration.ofSeconds(10),
                        event -> TERMINAL.contains(event.event()));
                Set<String> ids = new HashSet<>();
                for (SseEvent event : result.events()) {
                    viewerEvents.incrementAndGet();
                    if (event.id() != null && !ids.add(event.id())) {
                        viewerDuplicates.incrementAndGet();
                    }
                }
            } catch (RuntimeException broken) {
                viewerBreaks.incrementAndGet();
                pace(500); // the stream service is down: a viewer reconnects
            }
        }
    }

    /** What the log holds for a task: events, seqs missing or repeated, and whether the task ended. */
    private record Verdict(long events, long gaps, long duplicates, boolean ended, boolean terminalStatus, boolean failed,
            boolean recovered) {
        boolean settled() {
            return ended && terminalStatus && gaps == 0;
        }
    }

    private Verdict verdict(String taskId) {
        try {
            List<Long> seqs = new ArrayList<>();
            boolean ended = false;
            boolean failed = false;
            boolean recovered = false;
            for (JsonNode event : StoredEvents.of(streamService, ORG, taskId, TOKEN)) {
                seqs.add(event.get("seq").asLong());
                ended = TERMINAL.contains(event.get("type").asText());
                failed |= "run.failed".equals(event.get("type").asText());
                recovered |= "run.resumed".equals(event.get("type").asText()) && event.toString().contains("recovered");
            }
            long duplicates = seqs.size() - new HashSet<>(seqs).size();
            long max = seqs.stream().mapToLong(Long::longValue).max().orElse(0);
            long gaps = max - new HashSet<>(seqs).size();
            String status = get(taskService.uri("/api/v1/tasks/" + taskId)).path("task").path("status").asText();
            return new Verdict(seqs.size(), gaps, duplicates, ended, Set.of("completed", "error", "aborted").contains(status), failed,
                    recovered);
        } catch (IOException | RuntimeException notYet) {
            return new Verdict(0, 0, 0, false, false, false, false);
        }
    }

    /** Resumes the stream of up to 30 settled tasks from the middle: it must carry exactly the rest. */
    private int checkResumedStreams(Map<String, Verdict> verdicts) {
        int checked = 0;
        for (Map.Entry<String, Verdict> entry : verdicts.entrySet()) {
            if (checked == 30 || !entry.getValue().settled()) {
                continue;
            }
            long total = entry.getValue().events();
            long from = total / 2;
            SseClient.Result result = SseClient.get(streamUri(entry.getKey()), Map.of("Authorization", TOKEN, "Last-Event-ID", String.valueOf(from)),
                    Duration.ofSeconds(10), event -> TERMINAL.contains(event.event()));
            List<Long> seqs = result.events().stream().filter(event -> event.id() != null).map(event -> Long.parseLong(event.id())).toList();
            List<Long> expected = new ArrayList<>();
            for (long seq = from + 1; seq <= total; seq++) {
                expected.add(seq);
            }
            assertThat(seqs).as("resumed stream of %s after %d", entry.getKey(), from).isEqualTo(expected);
            assertThat(result.events()).noneMatch(event -> "stream.gap".equals(event.event()));
            checked++;
        }
        return checked;
    }

    private static URI streamUri(String taskId) {
        return streamService.uri("/api/preview/agents/" + ORG + "/tasks/" + taskId + "/events/stream");
    }

    private static JsonNode get(URI uri) throws IOException {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Authorization", TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Until the load made progress: 30 more tasks acknowledged (about 3 s of creates). */
    private void loadProgresses() {
        int before = acknowledged.size();
        await("30 more tasks acknowledged").atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= before + 30);
    }

    /** The load's own pace (creates about 10 per second, viewers reconnecting), not a wait for an outcome. */
    private static void pace(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
