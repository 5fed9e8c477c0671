package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.event.Topics;
import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.restassured.path.json.JsonPath;

/**
 * Two schedule-service replicas on one database; many schedules come due at the same instant and one replica is
 * killed with kill -9 while they fire. Every due firing happens exactly once: one execution per schedule and one
 * scheduled run per task, none missed, none twice.
 */
class ScheduleFailoverIT {

    private static final int SCHEDULES = 400;
    private static final String ORG = "failover";
    private static final String USER = "scheduler@failover.dev";
    private static final String TOKEN = TestTokens.bearer(ORG, USER);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient READER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static PackagedService taskService;
    private static PackagedService survivor;
    private static PackagedService victim;

    @BeforeAll
    static void startServices() {
        // small batches: firing 400 schedules takes many transactions, so the kill lands in the middle of them
        Map<String, String> firing = Map.of("RELAY_SCHEDULE_CLAIM_BATCH", "10", "RELAY_SCHEDULE_FIRE_INTERVAL", "200ms");
        // the three need nothing of each other: started side by side
        var survivorStarting = CompletableFuture.supplyAsync(() -> PackagedService.start("schedule-service", firing));
        var victimStarting = CompletableFuture.supplyAsync(() -> PackagedService.start("schedule-service", firing));
        taskService = PackagedService.start("task-service", Map.of());
        survivor = survivorStarting.join();
        victim = victimStarting.join();
    }

    @AfterAll
    static void stopServices() {
        for (PackagedService service : new PackagedService[] {victim, survivor, taskService}) {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void everyDueFiringHappensExactlyOnceThoughAReplicaIsKilledWhileFiring() throws Exception {
        lastPhase = Instant.now();
        List<String> tasks = createTasks();
        awaitEach(tasks, Duration.ofSeconds(120), task -> "completed".equals(task(task).getString("task.status")), "completed");
        phase("400 tasks created and completed");

        // all due at one instant 15 s ahead (making them takes 4-7 s here), asked for as a task create does (schedule-requests)
        Instant due = Instant.now().plusSeconds(15).truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> scheduleOfTask = new HashMap<>();
        for (String task : tasks) {
            String schedule = UUID.randomUUID().toString();
            scheduleOfTask.put(task, schedule);
            TestTopics.send(Topics.SCHEDULE_REQUESTS, task, "{\"schedule_id\":\"" + schedule + "\",\"task_id\":\"" + task
                    + "\",\"org\":\"" + ORG + "\",\"created_by\":\"" + USER + "\",\"schedule_type\":\"one_time\",\"start_time\":\""
                    + DateTimeFormatter.ofPattern("HH:mm").format(due.atZone(ZoneOffset.UTC)) + "\",\"time_zone\":\"UTC\","
                    + "\"first_due_at\":\"" + due + "\"}", Map.of());
        }
        awaitUntil(Duration.ofSeconds(30), () -> executionCounts().size() == SCHEDULES, "all schedules made");
        phase("schedules made");
        assertThat(Instant.now()).as("the schedules were made before they came due").isBefore(due);

        // kill a replica while it fires: once a quarter of the firings are in
        AtomicInteger fired = new AtomicInteger();
        Duration untilDue = Duration.between(Instant.now(), due);
        untilDue = untilDue.isNegative() ? Duration.ZERO : untilDue;
        await("a quarter fired").pollDelay(untilDue).pollInterval(Duration.ofMillis(5)).atMost(untilDue.plusSeconds(60))
                .until(() -> fired.updateAndGet(any -> executionCounts().values().stream().mapToInt(Integer::intValue).sum()) >= SCHEDULES / 4);
        int firedAtKill = fired.get();
        victim.kill();
        Instant killed = Instant.now();
        phase("a quarter fired, replica killed");

        awaitUntil(Duration.ofSeconds(90), () -> executionCounts().values().stream().allMatch(count -> count >= 1), "every schedule fired");
        Instant allFired = Instant.now();
        phase("every schedule fired");
        awaitEach(tasks, Duration.ofSeconds(120), task -> {
            JsonPath details = task(task);
            return details.getList("streams").size() == 2 && "completed".equals(details.getString("task.status"));
        }, "ran its scheduled run");
        phase("every task ran its scheduled run");
        // a duplicate trigger would start a third run: none does for 3 s (one look at every task takes seconds under load)
        List<URI> taskDetails = tasks.stream().map(task -> taskService.uri("/api/v1/tasks/" + task)).toList();
        await("no task runs a third time").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> fetchAll(taskDetails).stream().allMatch(details -> details.get("streams").size() == 2));
        phase("no third run");

        int duplicateRuns = 0;
        int missedRuns = 0;
        for (JsonNode details : fetchAll(taskDetails)) {
            int runs = details.get("streams").size() - 1;
            duplicateRuns += Math.max(0, runs - 1);
            missedRuns += runs == 0 ? 1 : 0;
        }
        // a run's end reaches its schedule as a report over schedule-runs: under load the last ones come a little after
        // the tasks show completed, so the executions are looked at until they all say so (or the time is up)
        List<URI> scheduleDetails = scheduleOfTask.values().stream().map(schedule -> survivor.uri("/api/v1/schedules/" + schedule)).toList();
        java.util.concurrent.atomic.AtomicLong wrong = new java.util.concurrent.atomic.AtomicLong(-1);
        try {
            await("every execution completed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        wrong.set(fetchAll(scheduleDetails).stream().filter(details -> details.get("executions").size() != 1
                                || !"completed".equals(details.get("executions").get(0).get("status").asText())).count());
                        return wrong.get() == 0;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException stillWrong) {
            // the assertion below says how many were still wrong
        }
        long wrongExecutions = wrong.get();
        long triggerRecords = TestTopics.readUntil(Topics.TASK_TRIGGERS, Duration.ofSeconds(5), read -> false).stream()
                .filter(record -> scheduleOfTask.containsKey(record.key())).count();
        phase("checked executions and trigger records");
        System.out.printf("[figures] schedule failover: %d schedules due at once on 2 replicas, one killed -9 after %d had fired; "
                        + "all fired %.1f s after the due time (%.1f s after the kill); %d trigger records for %d firings "
                        + "(redelivered records are deduplicated by execution id); duplicate runs %d, missed runs %d%n",
                SCHEDULES, firedAtKill, Duration.between(due, allFired).toMillis() / 1000.0,
                Duration.between(killed, allFired).toMillis() / 1000.0, triggerRecords, SCHEDULES, duplicateRuns, missedRuns);
        assertThat(wrongExecutions).as("schedules without exactly one execution, completed").isZero();
        assertThat(duplicateRuns).isZero();
        assertThat(missedRuns).isZero();
    }

    private static List<String> createTasks() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < SCHEDULES; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(taskService.uri("/api/v1/tasks"))
                    .header("Authorization", TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"task\":\"scan " + i + "\",\"response_format\":\"json\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            if (answers.size() == 32) {
                collect(answers, tasks);
            }
        }
        collect(answers, tasks);
        return tasks;
    }

    /** GETs every one of {@code uris} as the user, 32 at a time: their bodies (each answered 200). */
    private static List<JsonNode> fetchAll(List<URI> uris) throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < uris.size(); i++) {
            answers.add(READER.sendAsync(HttpRequest.newBuilder(uris.get(i)).header("Authorization", TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
            if (answers.size() == 32 || i == uris.size() - 1) {
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get();
                    assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(200);
                    bodies.add(JSON.readTree(response.body()));
                }
                answers.clear();
            }
        }
        return bodies;
    }

    private static void collect(List<CompletableFuture<HttpResponse<String>>> answers, List<String> tasks) throws Exception {
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).isEqualTo(202);
            tasks.add(JSON.readTree(response.body()).get("task_id").asText());
        }
        answers.clear();
    }

    /** Waits until {@code done} holds for every task, looking again only at those it did not hold for yet. */
    private static void awaitEach(List<String> tasks, Duration bound, java.util.function.Predicate<String> done, String what) {
        java.util.Set<String> waiting = new java.util.LinkedHashSet<>(tasks);
        await("every task " + what).atMost(bound).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    waiting.removeIf(done);
                    return waiting.isEmpty();
                });
    }

    private static JsonPath task(String task) {
        return given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + task).then().statusCode(200).extract().jsonPath();
    }

    /** Each schedule of the user's with its execution count, read from the surviving replica. */
    private static Map<String, Integer> executionCounts() {
        Map<String, Integer> counts = new HashMap<>();
        String token = null;
        do {
            URI page = survivor.uri("/api/v1/schedules?pageSize=1000" + (token == null ? "" : "&continuationToken=" + token));
            JsonNode body;
            try {
                body = JSON.readTree(given().header("Authorization", TOKEN).get(page).then().statusCode(200).extract().asString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            body.get("schedules").forEach(schedule -> counts.put(schedule.get("schedule_id").asText(), schedule.get("execution_count").asInt()));
            token = body.hasNonNull("continuationToken") ? body.get("continuationToken").asText() : null;
        } while (token != null);
        return counts;
    }

    private static Instant lastPhase = Instant.now();

    private static void phase(String what) {
        System.out.printf("[timing] schedule failover: %s in %d ms%n", what, Duration.between(lastPhase, Instant.now()).toMillis());
        lastPhase = Instant.now();
    }

    private static void awaitUntil(Duration bound, Callable<Boolean> condition, String what) {
        await(what).atMost(bound).pollInterval(Duration.ofMillis(100)).until(condition);
    }
}
