package dev.relay.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.FakeModelProvider;
import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestTokens;

/**
 * Runs worked by a model (a fake OpenAI-compatible provider) survive kill -9 of the task service: a run killed in the
 * middle of its model's answer is resumed by the restarted service from its recorded steps (the tool it called is not
 * called again) and completes; a run suspended on the model's question is answered after the restart and completes;
 * runs waiting their organization's turn, a message queued behind a working run and the run of a message that
 * interrupted another all start, once each, after the restart.
 */
class RunResumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "resume";
    private static final String TOKEN = TestTokens.bearer(ORG, "keeper@resume.dev");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static FakeModelProvider provider;
    private static PackagedService streamService;
    private static PackagedService taskService;

    @BeforeAll
    static void startSystem() {
        provider = new FakeModelProvider();
        Map<String, String> llm = provider.start();
        streamService = PackagedService.start("stream-service", Map.of());
        Map<String, String> env = TaskServiceEnv.recoveringAfter(streamService, "4s");
        env.put("RELAY_LLM_BASE_URL", llm.get("relay.llm.base-url"));
        env.put("RELAY_LLM_API_KEY", llm.get("relay.llm.api-key"));
        // the fake model's resumed run looks up localhost: its 127.0.0.1 is shown only where the egress policy allows it
        env.put("RELAY_EGRESS_ALLOW_CIDRS", "127.0.0.1/32");
        taskService = PackagedService.start("task-service", env);
    }

    @AfterAll
    static void stopSystem() {
        for (AutoCloseable closeable : new AutoCloseable[] {taskService, streamService}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (provider != null) {
            provider.stop();
        }
    }

    @Test
    void aRunKilledInTheMiddleOfItsAnswerResumesFromItsRecordedStepsAndCompletes() throws Exception {
        String taskId = create("{\"task\":\"resume-me: look up localhost\",\"response_format\":\"json\"}");
        awaitDetails(taskId, details -> details.path("messages").toString().contains("word3"), Duration.ofSeconds(30));

        taskService.kill();
        Instant killed = Instant.now();
        taskService = taskService.restart();
        List<JsonNode> events = eventsUntil(taskId, "run.completed", Duration.ofSeconds(60));
        System.out.printf("[figures] run resume: a run killed with its service mid-answer completed %.1f s after the kill%n",
                Duration.between(killed, Instant.now()).toMillis() / 1000.0);

        assertThat(ofType(events, "tool.call")).as("the recorded lookup is not made again").hasSize(1);
        assertThat(ofType(events, "tool.result")).hasSize(1);
        assertThat(ofType(events, "run.failed")).isEmpty();
        JsonNode resumed = ofType(events, "run.resumed").get(0).path("data");
        assertThat(resumed.path("reason").asText()).isEqualTo("recovered");
        List<JsonNode> completed = ofType(events, "message.completed");
        assertThat(completed.get(completed.size() - 1).path("data").path("content").asText()).isEqualTo("Resumed: 127.0.0.1");
        // the answer cut by the kill was completed as far as it got, and the model was told the lookup's result again
        assertThat(completed.get(0).path("data").path("content").asText()).startsWith("word0 ");
        assertThat(FakeModelProvider.CLOSED_BY_CLIENT).contains("resume-me");
    }

    @Test
    void aQuestionAskedBeforeARestartIsAnsweredAfterItAndTheRunCompletes() throws Exception {
        String taskId = create("{\"task\":\"ask-first across a restart\",\"ask_question\":true,\"response_format\":\"json\"}");
        JsonNode details = awaitDetails(taskId, found -> found.has("pending_requests"), Duration.ofSeconds(30));
        String requestId = details.path("pending_requests").get(0).path("id").asText();

        taskService.kill();
        taskService = taskService.restart();
        HttpResponse<String> answered = HTTP.send(HttpRequest.newBuilder(taskService.uri("/api/preview/agents/" + ORG + "/tasks/" + taskId))
                .header("Authorization", TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"event\":{\"type\":\"user_confirmation\",\"approval_request_id\":\""
                        + requestId + "\",\"ok\":true,\"instructions\":\"8443\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);

        List<JsonNode> events = eventsUntil(taskId, "run.completed", Duration.ofSeconds(30));
        List<JsonNode> completed = ofType(events, "message.completed");
        assertThat(completed.get(completed.size() - 1).path("data").path("content").asText()).isEqualTo("Checking port 8443.");
        assertThat(ofType(events, "tool.result").get(0).path("data").path("output").asText()).isEqualTo("The user answered: 8443");
    }

    @Test
    void waitingQueuedAndInterruptingRunsAreNeitherLostNorRunTwiceAcrossAKill() throws Exception {
        String admin = TestTokens.adminBearer(ORG, "admin@resume.dev");
        assertThat(send("PUT", "/api/v1/run-queue", admin, "{\"max_active_runs\":1}").statusCode()).isEqualTo(200);
        try {
            String working = create("{\"task\":\"hold-a-moment: the working one\",\"response_format\":\"json\"}");
            String waiting = create("{\"task\":\"hold-a-moment: waits its turn\",\"response_format\":\"json\"}");
            String interrupted = create("{\"task\":\"hold-a-moment: to be interrupted\",\"response_format\":\"json\"}");
            awaitDetails(working, details -> "active".equals(details.path("task").path("status").asText()), Duration.ofSeconds(30));
            assertThat(send("POST", "/api/v1/tasks", TOKEN, "{\"id\":\"" + working + "\",\"task\":\"and then this\","
                    + "\"multitask_strategy\":\"enqueue\",\"response_format\":\"json\"}").statusCode()).isEqualTo(202);
            assertThat(send("POST", "/api/v1/tasks", TOKEN, "{\"id\":\"" + interrupted + "\",\"task\":\"instead this\","
                    + "\"multitask_strategy\":\"interrupt\",\"response_format\":\"json\"}").statusCode()).isEqualTo(202);

            taskService.kill();
            taskService = taskService.restart();

            Map<String, List<String>> expected = Map.of(working, List.of("completed", "completed"), waiting, List.of("completed"),
                    interrupted, List.of("aborted", "completed"));
            for (var task : expected.entrySet()) {
                JsonNode details = awaitDetails(task.getKey(), found -> statuses(found).equals(task.getValue()), Duration.ofSeconds(90));
                // each run that completed started once (a run resumed after the kill says run.resumed, not run.started)
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    List<JsonNode> events = StoredEvents.of(streamService, ORG, task.getKey(), TOKEN);
                    for (JsonNode stream : details.path("streams")) {
                        String streamId = stream.path("stream_id").asText();
                        long started = events.stream().filter(event -> streamId.equals(event.path("streamId").asText())
                                && "run.started".equals(event.path("type").asText())).count();
                        assertThat(started).as("run.started of run %s of task %s", streamId, task.getKey())
                                .isEqualTo("completed".equals(stream.path("status").asText()) ? 1 : started).isLessThanOrEqualTo(1);
                    }
                });
            }
        } finally {
            send("DELETE", "/api/v1/run-queue", admin, null);
        }
    }

    private static List<String> statuses(JsonNode details) {
        List<String> statuses = new ArrayList<>();
        details.path("streams").forEach(stream -> statuses.add(stream.path("status").asText()));
        return statuses;
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(taskService.uri(path)).header("Authorization", token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String create(String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(taskService.uri("/api/v1/tasks"))
                .header("Authorization", TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("task_id").asText();
    }

    private static JsonNode awaitDetails(String taskId, java.util.function.Predicate<JsonNode> until, Duration bound) {
        AtomicReference<JsonNode> details = new AtomicReference<>();
        await("task " + taskId + " getting there").atMost(bound).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(taskService.uri("/api/v1/tasks/" + taskId))
                    .header("Authorization", TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("details of task %s", taskId).isEqualTo(200);
            details.set(JSON.readTree(response.body()));
            assertThat(until.test(details.get())).as("task %s got there; last seen: %s", taskId, details.get()).isTrue();
        });
        return details.get();
    }

    /** The task's events from the stream service, from the first, until one of {@code lastType}. */
    private static List<JsonNode> eventsUntil(String taskId, String lastType, Duration bound) throws Exception {
        URI stream = streamService.uri("/api/preview/agents/" + ORG + "/tasks/" + taskId + "/events/stream");
        Instant deadline = Instant.now().plus(bound);
        AtomicReference<List<SseEvent>> seen = new AtomicReference<>(List.of());
        // each attempt reads the stream until its end or the deadline; one without the last event reads it again
        await("a " + lastType + " for task " + taskId).atMost(bound).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Duration left = Duration.between(Instant.now(), deadline);
            seen.set(SseClient.get(stream, Map.of("Authorization", TOKEN), left.toMillis() > 0 ? left : Duration.ofMillis(1),
                    event -> lastType.equals(event.event())).events());
            assertThat(seen.get()).extracting(SseEvent::event).contains(lastType);
        });
        List<JsonNode> events = new ArrayList<>();
        for (SseEvent event : seen.get()) {
            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(event.data());
            events.add(json.put("type", event.event()));
        }
        return events;
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(event -> type.equals(event.path("type").asText())).toList();
    }
}
