package dev.relay.task.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.event.Topics;
import dev.relay.task.agent.ModelProviderTest;
import dev.relay.testsupport.FakeModelProvider;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TaskEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A message while the task's run works (fake model provider; each answer comes after a moment): reject (409, the
 * default), enqueue (its run starts after the working one, in order), interrupt (the working run stops, the new
 * one takes the whole conversation) and steer (the working run takes the message in at its next model call, or
 * answers it with a follow-up run when it made its last call already); cancel ends the working run and the queued ones.
 */
@QuarkusTest
@TestProfile(ModelProviderTest.WithAModelProvider.class)
@WithTestResource(RelayTestResources.class)
class MultitaskStrategyTest {

    private static final String ORG = "steering";
    private static final String TOKEN = TestTokens.bearer(ORG, "sam@steering.dev");

    @Inject
    Pool pool;

    private static String create(String prompt) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"task\":\"" + prompt + "\",\"response_format\":\"json\"}").post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id");
    }

    private static ValidatableResponse send(String taskId, String prompt, String strategy) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"id\":\"" + taskId + "\",\"task\":\"" + prompt + "\",\"response_format\":\"json\""
                        + (strategy == null ? "" : ",\"multitask_strategy\":\"" + strategy + "\"") + "}")
                .post("/api/v1/tasks").then();
    }

    private static ValidatableResponse respond(String taskId, String content, String strategy) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"event\":{\"type\":\"user_message\",\"content\":\"" + content + "\",\"multitask_strategy\":\"" + strategy + "\"}}")
                .post("/api/preview/agents/" + ORG + "/tasks/" + taskId).then();
    }

    private List<String> statuses(String taskId) {
        List<String> statuses = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT status FROM task.task_run WHERE task_id = $1 ORDER BY created_at, id")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().forEach(row -> statuses.add(row.getString(0)));
        return statuses;
    }

    private void awaitActive(String taskId) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> statuses(taskId).contains("active"));
    }

    /** The task's events in seq order once {@code until} holds for their types (checked against the event contract). */
    private static List<JsonNode> events(String taskId, Predicate<List<String>> until) {
        return TaskEvents.of(Topics.TASK_EVENTS, List.of(taskId), read -> until.test(types(read)));
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    private static long count(List<String> types, String type) {
        return types.stream().filter(type::equals).count();
    }

    @Test
    void enqueuedMessagesRunAfterTheWorkingRunInTheOrderTheyWereSent() {
        String taskId = create("hold-a-moment: first");
        awaitActive(taskId);
        send(taskId, "busy?", null).statusCode(409).body("code", equalTo("task_busy"));

        send(taskId, "hold-a-moment: second", "enqueue").statusCode(202);
        respond(taskId, "third", "enqueue").statusCode(200);
        assertThat(statuses(taskId)).containsExactly("active", "queued", "queued");
        // the details show the working run; the queued ones wait to start
        given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.status", equalTo("active")).body("streams[1].status", equalTo("pending"))
                .body("streams[2].status", equalTo("pending"));

        List<JsonNode> events = events(taskId, types -> count(types, "run.completed") == 3);
        List<String> types = types(events);
        assertThat(events.stream().filter(event -> "message.queued".equals(event.path("type").asText()))
                .map(event -> event.path("data").path("position").asInt())).containsExactly(1, 2);
        // each queued message joins the conversation when its run starts, after the run before it ended
        List<String> conversation = events.stream().filter(event -> "message.user".equals(event.path("type").asText()))
                .map(event -> event.path("data").path("content").asText()).toList();
        assertThat(conversation).containsExactly("hold-a-moment: first", "hold-a-moment: second", "third");
        assertThat(types.indexOf("run.completed")).isLessThan(types.lastIndexOf("message.user"));
        assertThat(count(types, "run.started")).isEqualTo(3);
        assertThat(statuses(taskId)).containsExactly("completed", "completed", "completed");
    }

    @Test
    void anInterruptStopsTheWorkingRunAndTheNewRunTakesTheWholeConversation() {
        String taskId = create("hold-a-moment: plan the migration");
        awaitActive(taskId);

        send(taskId, "Actually, only list the tables", "interrupt").statusCode(202);

        List<JsonNode> events = events(taskId, types -> count(types, "run.completed") == 1);
        List<String> types = types(events);
        assertThat(types).contains("run.interrupted").doesNotContain("run.aborted");
        assertThat(types.indexOf("run.interrupted")).isLessThan(types.lastIndexOf("run.started"));
        JsonNode interrupted = events.get(types.indexOf("run.interrupted"));
        assertThat(interrupted.path("data").path("reason").asText()).contains("interrupted");
        assertThat(statuses(taskId)).containsExactly("aborted", "completed");
        // the new run's model call carried the conversation: the first message as well as the new one
        assertThat(FakeModelProvider.RECEIVED.stream().map(received -> received.body().toString())
                .filter(body -> body.contains("only list the tables")))
                .isNotEmpty().allMatch(body -> body.contains("plan the migration"));
    }

    @Test
    void aToolCallInFlightWhenTheRunIsInterruptedIsAnsweredAsInterruptedAndNotMadeAgain() {
        // counted before the create: its run starts at the create's commit and may call before the 202 is read
        int before = FakeModelProvider.SLOW_CALLS.size();
        String taskId = create("slow-call: is the endpoint up?");
        await().atMost(Duration.ofSeconds(20)).until(() -> FakeModelProvider.SLOW_CALLS.size() > before);

        send(taskId, "never mind that", "interrupt").statusCode(202);

        List<JsonNode> events = events(taskId, types -> count(types, "run.completed") == 1);
        JsonNode result = events.stream().filter(event -> "tool.result".equals(event.path("type").asText())).findFirst().orElseThrow();
        assertThat(result.path("data").path("error").asBoolean()).isTrue();
        assertThat(result.path("data").path("output").asText()).contains("interrupted").contains("not made again");
        assertThat(statuses(taskId)).containsExactly("aborted", "completed");
        assertThat(FakeModelProvider.SLOW_CALLS).hasSize(before + 1);
        assertThat(FakeModelProvider.RECEIVED.stream().map(received -> received.body().toString())
                .filter(body -> body.contains("never mind that"))).isNotEmpty().allMatch(body -> body.contains("was interrupted"));
    }

    @Test
    void aCancelEndsTheWorkingRunAndTheQueuedOnesAndATaskHoldsAtMostTenQueuedMessages() {
        String taskId = create("hold-a-moment: long job");
        awaitActive(taskId);
        for (int i = 0; i < 10; i++) {
            send(taskId, "later " + i, "enqueue").statusCode(202);
        }
        send(taskId, "one too many", "enqueue").statusCode(409).body("code", equalTo("queue_full"));
        send(taskId, "bad", "sometimes").statusCode(400).body("code", equalTo("invalid_request"));

        respond(taskId, "", "enqueue");
        given().header("Authorization", TOKEN).contentType(ContentType.JSON).body("{\"force\":false}")
                .post("/api/preview/agents/" + ORG + "/tasks/" + taskId + "/cancel").then().statusCode(200);

        assertThat(statuses(taskId)).hasSize(11).containsOnly("aborted");
        List<String> types = types(events(taskId, seen -> count(seen, "run.aborted") == 11));
        assertThat(count(types, "run.started")).isEqualTo(1);
        // nothing starts afterwards
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> statuses(taskId).stream().allMatch("aborted"::equals));
    }
    @Test
    void aSteeredMessageJoinsTheWorkingRunAtItsNextModelCall() {
        int before = FakeModelProvider.SLOW_CALLS.size();
        String taskId = create("slow-call: is the staging endpoint up?");
        await().atMost(Duration.ofSeconds(20)).until(() -> FakeModelProvider.SLOW_CALLS.size() > before);

        send(taskId, "also say which version staging runs", "steer").statusCode(202);

        List<JsonNode> events = events(taskId, types -> count(types, "run.completed") == 1);
        List<String> types = types(events);
        assertThat(count(types, "run.started")).isEqualTo(1);
        assertThat(statuses(taskId)).containsExactly("completed");
        // the steer is in the conversation, as the working run's
        JsonNode steer = events.stream().filter(event -> "message.user".equals(event.path("type").asText())).skip(1).findFirst().orElseThrow();
        assertThat(steer.path("data").path("source").asText()).isEqualTo("steer");
        assertThat(steer.path("stream_id").asText()).isEqualTo(events.get(types.indexOf("run.started")).path("stream_id").asText());
        assertThat(types.indexOf("tool.call")).isLessThan(events.indexOf(steer));
        // the model call after the tool's result carried it, after that result
        List<JsonNode> steered = modelCallsWith("which version staging runs");
        assertThat(steered).hasSize(1);
        List<String> roles = steered.get(0).path("messages").findValuesAsText("role");
        assertThat(roles.lastIndexOf("tool")).isLessThan(roles.lastIndexOf("user"));
        assertThat(steered.get(0).toString()).contains("is the staging endpoint up?");
    }

    @Test
    void aMessageSteeredWhileTheRunAnswersIsAnsweredBeforeTheRunEnds() {
        String taskId = create("hold-a-moment: summarize the quarterly report");
        await().atMost(Duration.ofSeconds(20)).until(() -> !modelCallsWith("summarize the quarterly report").isEmpty());

        respond(taskId, "in French, please", "steer").statusCode(200);

        List<String> types = types(events(taskId, seen -> count(seen, "run.completed") == 1));
        assertThat(count(types, "run.started")).isEqualTo(1);
        assertThat(statuses(taskId)).containsExactly("completed");
        assertThat(modelCallsWith("in French, please")).isNotEmpty()
                .allMatch(body -> body.toString().contains("summarize the quarterly report"));
    }

    @Test
    void aMessageSteeredAfterTheRunsLastModelCallIsAnsweredByARunOfItsOwn() {
        String taskId = given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"task\":\"slow-loop: resolve the mirrors\",\"max_steps\":4,\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        // the run's fourth and last model call is in flight: it will not ask for steered messages again
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> modelCallsWith("resolve the mirrors").size() == 4);

        send(taskId, "only the European ones", "steer").statusCode(202);

        List<JsonNode> events = events(taskId, types -> count(types, "run.completed") == 2);
        List<String> types = types(events);
        assertThat(count(types, "run.started")).isEqualTo(2);
        assertThat(statuses(taskId)).containsExactly("completed", "completed");
        // the follow-up run's calls carried the message and the whole conversation; the first run's did not
        assertThat(modelCallsWith("resolve the mirrors")).hasSize(8);
        assertThat(modelCallsWith("only the European ones")).hasSize(4);
        assertThat(types.lastIndexOf("run.started")).isGreaterThan(types.indexOf("run.completed"));
    }

    @Test
    void aQueuedMessageNeedsAnIdNoOtherMessageHasAndOneWhoseIdIsTakenWhileItWaitsFailsWithoutHoldingUpTheRest() {
        String taskId = create("hold-a-moment: first");
        awaitActive(taskId);
        UUID first = pool.preparedQuery("SELECT id FROM task.task_message WHERE task_id = $1").execute(Tuple.of(UUID.fromString(taskId)))
                .await().indefinitely().iterator().next().getUUID(0);
        UUID chosen = UUID.randomUUID();

        sendWithId(taskId, "again", first).statusCode(409).body("code", equalTo("message_id_taken"));
        sendWithId(taskId, "second", chosen).statusCode(202);
        sendWithId(taskId, "second, once more", chosen).statusCode(409).body("code", equalTo("message_id_taken"));
        send(taskId, "third", "enqueue").statusCode(202);
        // a new task's message may not take an id a queued message holds either
        sendWithId(null, "elsewhere", chosen).statusCode(409).body("code", equalTo("message_id_taken"));
        // a message written by a request that raced the check takes the id while the queued one waits
        pool.preparedQuery("INSERT INTO task.task_message (id, task_id, stream_id, role, content, complete, first_seq, created_at) "
                        + "SELECT $1, task_id, stream_id, 'user', 'raced', true, 0, now() FROM task.task_message WHERE id = $2")
                .execute(Tuple.of(chosen, first)).await().indefinitely();

        List<JsonNode> events = events(taskId, types -> count(types, "run.completed") == 2 && count(types, "run.failed") == 1);
        JsonNode failed = events.stream().filter(event -> "run.failed".equals(event.path("type").asText())).findFirst().orElseThrow();
        assertThat(failed.path("data").path("code").asText()).isEqualTo("message_id_taken");
        assertThat(statuses(taskId)).containsExactly("completed", "error", "completed");
        assertThat(events.stream().filter(event -> "message.user".equals(event.path("type").asText()))
                .map(event -> event.path("data").path("content").asText())).containsExactly("hold-a-moment: first", "third");
    }

    @Test
    void aRunEndedOnAnotherInstanceHasItsModelCallHereClosedByTheNextHeartbeat() {
        long closedBefore = closedStalls();
        String taskId = stalledInItsModelCall("another instance interrupts this one");
        long callSeen = System.nanoTime();

        // what another instance's interrupt or cancel commits; the event that stops the agent at once stays on that instance
        long ended = changeActiveRun(taskId, "status = 'aborted', completed_at = now()");

        assertStallClosedByAHeartbeat(closedBefore, callSeen, ended);
    }

    /** A task whose run waits in a model call that sends nothing ({@code stall-stream}); its id. */
    private String stalledInItsModelCall(String marker) {
        String taskId = create("stall-stream: " + marker);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> !modelCallsWith(marker).isEmpty());
        return taskId;
    }

    /** Sets {@code assignments} on the task's active run, as another instance would commit them; when (nanoTime). */
    private long changeActiveRun(String taskId, String assignments) {
        pool.preparedQuery("UPDATE task.task_run SET " + assignments + " WHERE task_id = $1 AND status = 'active'")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely();
        return System.nanoTime();
    }

    /**
     * The model sends nothing: this instance's heartbeat (1 s here) closes the call within two ticks of the change (a
     * tick that read the run just before the change committed misses it), before relay.llm.timeout (3 s here, counted
     * from the call's start, which was before it was seen) would.
     */
    private static void assertStallClosedByAHeartbeat(long closedBefore, long callSeen, long changed) {
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> closedStalls() > closedBefore);
        long closed = System.nanoTime();
        assertThat(Duration.ofNanos(closed - changed)).as("from the change to the call's close").isLessThan(Duration.ofMillis(2600));
        assertThat(Duration.ofNanos(closed - callSeen)).as("from the call's start to its close").isLessThan(Duration.ofMillis(2800));
    }

    @Test
    void aRunAnotherInstanceTookOverHasItsModelCallHereClosedAndIsNotKeptAliveFromHere() {
        long closedBefore = closedStalls();
        String taskId = stalledInItsModelCall("another instance takes this run over");
        long callSeen = System.nanoTime();

        // what another instance's claim commits after this one was silent past stale-after (a long pause): the next
        // attempt, with its worker's heartbeat (an hour ahead here, which keeps the supervisor away)
        long takenOver = changeActiveRun(taskId, "attempt = attempt + 1, heartbeat_at = now() + interval '1 hour'");

        assertStallClosedByAHeartbeat(closedBefore, callSeen, takenOver);
        long spokenForFromHere = pool.preparedQuery("SELECT count(*) FROM task.task_run WHERE task_id = $1 AND heartbeat_at < now() + interval '30 minutes'")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().iterator().next().getLong(0);
        assertThat(spokenForFromHere).as("runs whose heartbeat this instance wrote after the takeover").isZero();
        changeActiveRun(taskId, "status = 'aborted', completed_at = now()");
    }

    private static long closedStalls() {
        return FakeModelProvider.CLOSED_BY_CLIENT.stream().filter("stall-stream"::equals).count();
    }

    /** A message with the id the client chose, to the task (enqueued behind its run) or, with no task, a new task. */
    private static ValidatableResponse sendWithId(String taskId, String prompt, UUID messageId) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{" + (taskId == null ? "" : "\"id\":\"" + taskId + "\",\"multitask_strategy\":\"enqueue\",")
                        + "\"task\":\"" + prompt + "\",\"message\":{\"id\":\"" + messageId + "\",\"role\":\"user\"},"
                        + "\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then();
    }

    /** The requests the model provider got whose conversation contains {@code text}. */
    private static List<JsonNode> modelCallsWith(String text) {
        return FakeModelProvider.RECEIVED.stream().map(FakeModelProvider.Received::body)
                .filter(body -> body.toString().contains(text)).toList();
    }
}
