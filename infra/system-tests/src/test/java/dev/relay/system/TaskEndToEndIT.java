package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The packaged task and stream services, one real broker, one database: a task from the API to an SSE client. */
class TaskEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = TestTokens.bearer("acme", "alice@acme.dev");
    private static PackagedService streamService;
    private static PackagedService taskService;
    private static PackagedService secondStreamReplica;

    @BeforeAll
    static void startServices() {
        streamService = PackagedService.start("stream-service", Map.of());
        taskService = PackagedService.start("task-service", Map.of(
                "RELAY_STREAM_SERVICE_URL", streamService.uri("").toString(),
                "RELAY_PUBLIC_URL", streamService.uri("").toString()));
        secondStreamReplica = PackagedService.start("stream-service", Map.of());
        System.out.printf("[figures] stream-service ready in %d ms, task-service ready in %d ms%n",
                streamService.startedIn().toMillis(), taskService.startedIn().toMillis());
    }

    @AfterAll
    static void stopServices() {
        if (taskService != null) {
            System.out.printf("[figures] RSS after the tests: task-service %d MiB, stream-service %d MiB%n",
                    taskService.rssKib() / 1024, streamService.rssKib() / 1024);
            taskService.close();
        }
        if (streamService != null) {
            streamService.close();
        }
        if (secondStreamReplica != null) {
            secondStreamReplica.close();
        }
    }

    @Test
    void createStreamsTheWholeRunAndDetailsAgreeWithTheStream() throws Exception {
        SseClient.Result stream = SseClient.post(taskService.uri("/api/v1/tasks"), Map.of("Authorization", TOKEN),
                "{\"task\":\"Check the TLS configuration of example.com\"}", Duration.ofSeconds(60));

        assertThat(stream.status()).isEqualTo(200);
        List<SseEvent> events = stream.events();
        List<Long> seqs = events.stream().map(e -> Long.parseLong(e.id())).toList();
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events.get(0).event()).isEqualTo("task.created");
        assertThat(events.get(1).event()).isEqualTo("message.user");
        assertThat(events.get(2).event()).isEqualTo("run.started");
        assertThat(events.get(events.size() - 1).event()).isEqualTo("run.completed");
        assertThat(events).filteredOn(e -> e.event().equals("message.delta")).hasSizeGreaterThan(2);

        String taskId = JSON.readTree(events.get(0).data()).get("task_id").asText();
        String streamedReply = events.stream().filter(e -> e.event().equals("message.delta"))
                .map(e -> data(e).get("data").get("delta").asText()).collect(Collectors.joining());

        JsonPath details = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .when().get("/api/v1/tasks/" + taskId)
                .then().statusCode(200).extract().jsonPath();
        assertThat(details.getString("task.status")).isEqualTo("completed");
        assertThat(details.getLong("stream.last_seq")).isEqualTo(events.size());
        assertThat(details.getString("stream.streamId")).isEqualTo(data(events.get(2)).get("stream_id").asText());
        assertThat(details.getList("messages")).hasSize(2);
        assertThat(details.getString("messages[0].content")).isEqualTo("Check the TLS configuration of example.com");
        assertThat(details.getString("messages[1].content")).isEqualTo(streamedReply);
        SseEvent completed = events.stream().filter(e -> e.event().equals("message.completed")).findFirst().orElseThrow();
        assertThat(data(completed).get("data").get("content").asText()).isEqualTo(streamedReply);

        // the signed link of the run serves the run's events (all but task.created) to anyone holding it
        JsonPath content = given().get(details.getString("streamUrls[0].url")).then().statusCode(200).extract().jsonPath();
        assertThat(content.getList("events.seq", Long.class)).containsExactlyElementsOf(seqs.subList(1, seqs.size()));
        assertThat(content.getString("stream_id")).isEqualTo(details.getString("stream.streamId"));
    }

    @Test
    void aContinuingStreamingCreateStreamsTheHistoryThenTheNewRunToItsEnd() throws Exception {
        List<SseEvent> first = SseClient.post(taskService.uri("/api/v1/tasks"), Map.of("Authorization", TOKEN),
                "{\"task\":\"First question\"}", Duration.ofSeconds(60)).events();
        String taskId = data(first.get(0)).get("task_id").asText();

        // the stream service may not have stored the new run's events when the relay opens its stream: it streams
        // through the create's last seq, so it cannot end on the first run's run.completed
        SseClient.Result continued = SseClient.post(taskService.uri("/api/v1/tasks"), Map.of("Authorization", TOKEN),
                "{\"id\":\"" + taskId + "\",\"task\":\"And a second one\"}", Duration.ofSeconds(60));

        assertThat(continued.status()).isEqualTo(200);
        List<SseEvent> events = continued.events();
        assertThat(events.stream().map(e -> Long.parseLong(e.id())).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).filteredOn(e -> e.event().equals("run.completed")).hasSize(2);
        SseEvent last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("run.completed");
        assertThat(data(last).get("stream_id").asText()).isNotEqualTo(data(first.get(first.size() - 1)).get("stream_id").asText());
    }

    @Test
    void aStreamingCreateQueuedBehindAWorkingRunAndItsRetryStreamOnToTheQueuedRunsEnd() throws Exception {
        // a run that asks its creator a question stays unfinished (suspended) until it is answered
        String taskId = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"task\":\"Ask me first\",\"ask_question\":true,\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        JsonNode asked = awaitDetails(taskId, details -> details.path("pending_requests").size() > 0);
        long lastSeq = asked.path("stream").path("last_seq").asLong();

        String body = "{\"id\":\"" + taskId + "\",\"task\":\"And then this\",\"multitask_strategy\":\"enqueue\"}";
        Map<String, String> headers = Map.of("Authorization", TOKEN, "Idempotency-Key", "queued-" + taskId);
        CompletableFuture<SseClient.Result> queued = CompletableFuture.supplyAsync(() -> SseClient.post(taskService.uri("/api/v1/tasks"),
                headers, body, Duration.ofSeconds(60)));
        awaitDetails(taskId, details -> details.path("stream").path("last_seq").asLong() > lastSeq);
        // a retry of the same create (a client whose first connection broke) streams on to the same run's end
        CountDownLatch retryReplayed = new CountDownLatch(1);
        CompletableFuture<SseClient.Result> retried = CompletableFuture.supplyAsync(() -> SseClient.post(taskService.uri("/api/v1/tasks"),
                headers, body, Duration.ofSeconds(60), event -> {
                    if (event.event().equals("message.queued")) {
                        retryReplayed.countDown();
                    }
                }));
        assertThat(retryReplayed.await(30, TimeUnit.SECONDS)).as("the retry's stream replayed the queued message").isTrue();
        given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"event\":{\"type\":\"user_confirmation\",\"approval_request_id\":\""
                        + asked.path("pending_requests").get(0).path("id").asText() + "\",\"ok\":true,\"instructions\":\"go on\"}}")
                .when().post("/api/preview/agents/acme/tasks/" + taskId).then().statusCode(200);

        for (SseClient.Result result : List.of(queued.get(), retried.get())) {
            assertThat(result.status()).isEqualTo(200);
            List<SseEvent> events = result.events();
            List<SseEvent> queuedMessages = events.stream().filter(e -> e.event().equals("message.queued")).toList();
            assertThat(queuedMessages).as("the retry queued nothing more").hasSize(1);
            String queuedRun = data(queuedMessages.get(0)).get("stream_id").asText();
            List<SseEvent> ends = events.stream().filter(e -> e.event().equals("run.completed")).toList();
            assertThat(ends).as("the working run's end, then the queued run's").hasSize(2);
            assertThat(data(ends.get(0)).get("stream_id").asText()).isNotEqualTo(queuedRun);
            SseEvent last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("run.completed");
            assertThat(data(last).get("stream_id").asText()).isEqualTo(queuedRun);
        }
    }

    private static JsonNode awaitDetails(String taskId, java.util.function.Predicate<JsonNode> until) {
        java.util.concurrent.atomic.AtomicReference<JsonNode> details = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            details.set(JSON.readTree(given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                    .when().get("/api/v1/tasks/" + taskId).then().statusCode(200).extract().asString()));
            assertThat(until.test(details.get())).as("task %s: %s", taskId, details.get()).isTrue();
        });
        return details.get();
    }

    @Test
    void anAgentsApiRunAsksForApprovalOnItsStreamAndResumesWhenTheCreatorConfirms() throws Exception {
        String taskId = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"message\":{\"type\":\"user_message\",\"content\":\"Resize the node pool\"},\"approvalMode\":\"manual\"}")
                .when().post("/api/preview/agents/acme/tasks")
                .then().statusCode(201).extract().path("taskId");
        var streamUri = streamService.uri("/api/preview/agents/acme/tasks/" + taskId + "/events/stream");

        List<SseEvent> untilQuestion = SseClient.get(streamUri, Map.of("Authorization", TOKEN), Duration.ofSeconds(60),
                event -> event.event().equals("approval.requested")).events();
        SseEvent question = untilQuestion.get(untilQuestion.size() - 1);
        assertThat(question.event()).isEqualTo("approval.requested");
        String approvalId = data(question).get("data").get("id").asText();

        given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"event\":{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + approvalId + "\",\"ok\":true}}")
                .when().post("/api/preview/agents/acme/tasks/" + taskId)
                .then().statusCode(200);

        List<SseEvent> rest = SseClient.get(streamUri, Map.of("Authorization", TOKEN, "Last-Event-ID", question.id()),
                Duration.ofSeconds(60)).events();
        assertThat(rest.stream().map(SseEvent::event).toList())
                .startsWith("approval.answered", "run.resumed").endsWith("run.completed");
        assertThat(Long.parseLong(rest.get(0).id())).isEqualTo(Long.parseLong(question.id()) + 1);
    }

    @Test
    void jsonCreateThenStreamFromTheStreamServiceAndResume() {
        String taskId = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .contentType(ContentType.JSON).body("{\"task\":\"List open ports\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id");
        var streamUri = streamService.uri("/api/preview/agents/acme/tasks/" + taskId + "/events/stream");

        List<SseEvent> all = SseClient.get(streamUri, Map.of("Authorization", TOKEN), Duration.ofSeconds(60)).events();
        assertThat(all.get(all.size() - 1).event()).isEqualTo("run.completed");

        List<SseEvent> rest = SseClient.get(streamUri, Map.of("Authorization", TOKEN, "Last-Event-ID", "3"),
                Duration.ofSeconds(60)).events();
        assertThat(rest).containsExactlyElementsOf(all.subList(3, all.size()));
    }

    @Test
    void viewersOnTwoStreamReplicasBothReceiveEveryLiveEvent() throws Exception {
        String taskId = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .contentType(ContentType.JSON).body("{\"task\":\"Watch me from two replicas\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id");
        String path = "/api/preview/agents/acme/tasks/" + taskId + "/events/stream";

        var first = CompletableFuture.supplyAsync(() -> SseClient.get(streamService.uri(path), Map.of("Authorization", TOKEN),
                Duration.ofSeconds(60)));
        var second = CompletableFuture.supplyAsync(() -> SseClient.get(secondStreamReplica.uri(path), Map.of("Authorization", TOKEN),
                Duration.ofSeconds(60)));

        List<SseEvent> fromFirst = first.get().events();
        assertThat(fromFirst.get(fromFirst.size() - 1).event()).isEqualTo("run.completed");
        assertThat(second.get().events()).containsExactlyElementsOf(fromFirst);
        assertThat(fromFirst.stream().map(e -> Long.parseLong(e.id())).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, fromFirst.size()).boxed().toList());
    }

    @Test
    void aStreamingCreateThatIsRefusedIsAPlainErrorAnswerNotAStream() {
        String taskId = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .contentType(ContentType.JSON).body("{\"task\":\"mine\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id");

        // the create is decided before the status line, so another user's continue is a 404 with the error body
        given().baseUri(taskService.uri("").toString()).header("Authorization", TestTokens.bearer("acme", "bob@acme.dev"))
                .contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"id\":\"" + taskId + "\",\"task\":\"let me continue\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(404).contentType(ContentType.JSON).body("code", equalTo("not_exists"));
    }

    @Test
    void anApiKeyWorksOnBothServicesUntilItIsRevoked() {
        String key = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .contentType(ContentType.JSON).body("{\"name\":\"e2e\"}")
                .when().post("/api/v1/api-keys").then().statusCode(201).extract().path("key");
        Map<String, String> withKey = Map.of("X-Api-Key", key);

        // the stream service learns of the key from the api-keys topic, moments after it was made
        String unknownTaskEvents = "/api/preview/agents/acme/tasks/" + java.util.UUID.randomUUID() + "/events";
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().baseUri(streamService.uri("").toString()).header("X-Api-Key", key)
                        .when().get(unknownTaskEvents).then().statusCode(404));
        SseClient.Result relayed = SseClient.post(taskService.uri("/api/v1/tasks"), withKey,
                "{\"task\":\"streamed with an API key\"}", Duration.ofSeconds(60));
        assertThat(relayed.events().get(0).event()).isEqualTo("task.created");
        assertThat(relayed.events().get(relayed.events().size() - 1).event()).isEqualTo("run.completed");

        String id = given().baseUri(taskService.uri("").toString()).header("X-Api-Key", key)
                .when().get("/api/v1/api-keys").then().statusCode(200).extract().jsonPath().getString("api_keys[0].id");
        given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .when().delete("/api/v1/api-keys/" + id).then().statusCode(204);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().baseUri(streamService.uri("").toString()).header("X-Api-Key", key)
                        .when().get(unknownTaskEvents)
                        .then().statusCode(401).body("code", org.hamcrest.Matchers.equalTo("unauthorized")));
    }

    private static JsonNode data(SseEvent event) {
        try {
            return JSON.readTree(event.data());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
