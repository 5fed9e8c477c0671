package dev.relay.task.agent;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.event.Topics;
import dev.relay.testsupport.EventContract;
import dev.relay.testsupport.FakeModelProvider;
import dev.relay.testsupport.McpTestServer;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * With a model provider configured, runs are worked by it: its streamed tokens become message.delta events (batched),
 * its reply message.completed, its usage usage.reported; the task's model name picks the provider model; a provider
 * error ends the run with run.failed saying what happened, never with the key or a stack trace.
 */
@QuarkusTest
@TestProfile(ModelProviderTest.WithAModelProvider.class)
@WithTestResource(RelayTestResources.class)
public class ModelProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = TestTokens.bearer("models", "user@models.dev");
    private static final String ADMIN = TestTokens.adminBearer("models", "admin@models.dev");
    private static final java.nio.file.Path LOG = java.nio.file.Path.of("target", "model-provider-test.log").toAbsolutePath();

    public static class WithAModelProvider implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("relay.llm.models.\"sonnet-4.6\"", "fake-large"), Map.entry("relay.llm.default-model", "fake-default"),
                    Map.entry("relay.llm.auto.chat", "fake-small"), Map.entry("relay.llm.retry-backoff", "50ms"), Map.entry("relay.llm.timeout", "3s"),
                    // chat runs fall over to a second provider (the same fake server under another name and key)
                    Map.entry("relay.llm.providers.\"backup\".base-url", "${relay.llm.base-url}"),
                    Map.entry("relay.llm.providers.\"backup\".api-key", "backup-key"),
                    Map.entry("relay.llm.fallbacks.chat", "backup/fake-backup"),
                    Map.entry("relay.tools.http.allowed-hosts", "127.0.0.1"),
                    Map.entry("relay.tools.max-calls-per-message", "3"), Map.entry("relay.tools.max-calls-per-run", "6"),
                    // admission reserves next to nothing: runs race for a budget at their model calls (BudgetOvershootTest)
                    Map.entry("relay.budget.run-estimate", "1"), Map.entry("relay.budget.call-wait", "5s"),
                    // the log of this test application, searched for a planted secret
                    Map.entry("quarkus.log.file.enabled", "true"), Map.entry("quarkus.log.file.path", LOG.toString()));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeModelProvider.class), new TestResourceEntry(McpTestServer.class));
        }
    }

    @Test
    void theProvidersStreamBecomesTheRunsEvents() throws Exception {
        String taskId = create("{\"task\":\"Check example.com\",\"model\":\"sonnet-4.6\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");

        assertThat(types(events)).startsWith("task.created", "message.user", "run.started").endsWith("usage.reported",
                "message.completed", "run.completed");
        List<JsonNode> deltas = events.stream().filter(event -> event.path("type").asText().equals("message.delta")).toList();
        assertThat(deltas).hasSizeBetween(1, FakeModelProvider.CHUNKS.size());
        assertThat(String.join("", deltas.stream().map(event -> event.path("data").path("delta").asText()).toList()))
                .isEqualTo("Hello from the model.");
        JsonNode completed = ofType(events, "message.completed");
        assertThat(completed.path("data").path("content").asText()).isEqualTo("Hello from the model.");
        JsonNode usage = ofType(events, "usage.reported");
        assertThat(usage.path("data").path("input_tokens").asInt()).isEqualTo(FakeModelProvider.PROMPT_TOKENS);
        assertThat(usage.path("data").path("output_tokens").asInt()).isEqualTo(FakeModelProvider.COMPLETION_TOKENS);
        assertThat(usage.path("data").path("model").asText()).isEqualTo("sonnet-4.6");
        assertThat(usage.path("data").path("served_by").asText()).isEqualTo("default/fake-large");

        FakeModelProvider.Received request = FakeModelProvider.RECEIVED.stream()
                .filter(received -> received.body().toString().contains("Check example.com")).findFirst().orElseThrow();
        assertThat(request.body().path("model").asText()).isEqualTo("fake-large");
        assertThat(request.body().path("stream").asBoolean()).isTrue();
        assertThat(request.authorization()).isEqualTo("Bearer " + FakeModelProvider.API_KEY);
    }

    @Test
    void aFollowUpRunGivesTheModelTheWholeConversation() throws Exception {
        String taskId = create("{\"task\":\"remember the first question\",\"response_format\":\"json\"}");
        eventsUntil(taskId, "run.completed");
        given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"id\":\"" + taskId + "\",\"task\":\"and a second one\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + taskId).then().body("messages", org.hamcrest.Matchers.hasSize(4)));

        JsonNode messages = lastRequestContaining("and a second one").body().path("messages");
        assertThat(messages.findValuesAsText("role")).containsExactly("system", "user", "assistant", "user");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("remember the first question");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Hello from the model.");
        assertThat(messages.get(3).path("content").asText()).isEqualTo("and a second one");
    }

    @Test
    void autoPicksTheModelOfTheRunsMode() throws Exception {
        String taskId = create("{\"task\":\"Quick question about TLS\",\"model\":\"auto\",\"mode\":\"chat\",\"response_format\":\"json\"}");
        eventsUntil(taskId, "run.completed");
        assertThat(FakeModelProvider.RECEIVED.stream().filter(received -> received.body().toString().contains("Quick question about TLS"))
                .map(received -> received.body().path("model").asText())).containsExactly("fake-small");
    }

    @Test
    void theModelCallsAToolAndEachCallAndResultIsAnEvent() throws Exception {
        String taskId = create("{\"task\":\"use-dns to resolve localhost\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");

        assertThat(types(events)).containsSubsequence("run.started", "usage.reported", "tool.call", "tool.result", "message.delta",
                "usage.reported", "message.completed", "run.completed");
        JsonNode call = ofType(events, "tool.call");
        JsonNode result = ofType(events, "tool.result");
        assertThat(call.path("data").path("name").asText()).isEqualTo("dns_lookup");
        assertThat(call.path("data").path("arguments").path("name").asText()).isEqualTo("localhost");
        assertThat(result.path("data").path("call_id").asText()).isEqualTo(call.path("data").path("call_id").asText());
        assertThat(result.path("data").path("error").asBoolean()).isFalse();
        assertThat(result.path("data").path("output").asText()).contains("127.0.0.1");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Resolved: 127.0.0.1");
        // two model calls, each with its usage
        assertThat(ofAllTypes(events, "usage.reported")).extracting(usage -> usage.path("data").path("input_tokens").asInt())
                .containsExactly(FakeModelProvider.PROMPT_TOKENS, FakeModelProvider.PROMPT_TOKENS);
        FakeModelProvider.Received second = FakeModelProvider.RECEIVED.stream()
                .filter(received -> received.body().toString().contains("use-dns to resolve") && received.body().toString().contains("\"tool\""))
                .findFirst().orElseThrow();
        assertThat(second.body().path("tools").toString()).contains("dns_lookup", "tls_inspect", "http_request");
    }

    @Test
    void aPlantedSecretReachesTheToolButNoEventTheModelOrTheLog() throws Exception {
        // a quote and a backslash: escaped in the tool's JSON output, where a search for the value itself misses it
        String planted = "shodan-\"q\\-" + java.util.UUID.randomUUID();
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("name", "SHODAN_TOKEN", "value", planted, "hosts", List.of("127.0.0.1"))).post("/api/v1/secrets")
                .then().statusCode(201);
        String taskId = create("{\"task\":\"use-http with my token\",\"secrets\":[\"SHODAN_TOKEN\"],\"completion_delivery\":\"artifact\","
                + "\"response_format\":\"json\"}");
        // a GET changes nothing, but it carries a secret: in manual mode (the default) the user is asked first
        JsonNode asked = ofType(eventsUntil(taskId, "approval.requested"), "approval.requested").path("data");
        assertThat(asked.path("approval_type").asText()).isEqualTo("tool_call");
        assertThat(asked.path("message").asText()).contains("{{secrets.SHODAN_TOKEN}}").doesNotContain(planted);
        assertThat(FakeModelProvider.ECHOED).doesNotContain("Bearer " + planted);
        respond(taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + asked.path("id").asText() + "\",\"ok\":true}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");

        assertThat(FakeModelProvider.ECHOED).contains("Bearer " + planted);
        assertThat(ofType(events, "tool.result").path("data").path("output").asText()).contains("Bearer ***");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Called: redacted");
        String escaped = planted.replace("\\", "\\\\").replace("\"", "\\\"");
        assertThat(events.toString()).doesNotContain(planted).doesNotContain(escaped).doesNotContain(planted.substring(planted.length() - 12));
        assertThat(FakeModelProvider.RECEIVED.toString()).doesNotContain(planted).doesNotContain(escaped);
        given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(planted)));
        assertThat(java.nio.file.Files.readString(LOG)).contains(taskId).doesNotContain(planted);
        // the artifact (and a webhook's payload, made of the same content) holds the redacted records only
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + taskId + "/artifacts").then().statusCode(200).extract().asString()).contains("Bearer ***"));
        assertThat(given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId + "/artifacts").then().extract().asString())
                .doesNotContain(planted).doesNotContain(escaped).doesNotContain(planted.substring(planted.length() - 12));
    }

    @Test
    void aSecretTheModelEchoesIsTakenOutOfItsTextItsCallsAndTheApprovalAskedAboutThem() throws Exception {
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("name", "LEAKY", "value", FakeModelProvider.LEAKED, "hosts", List.of("127.0.0.1")))
                .post("/api/v1/secrets").then().statusCode(201);
        String taskId = create("{\"task\":\"leak-split it\",\"secrets\":[\"LEAKY\"],\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "approval.requested");

        String leaked = FakeModelProvider.LEAKED;
        String deltas = String.join("", ofAllTypes(events, "message.delta").stream().map(event -> event.path("data").path("delta").asText()).toList());
        assertThat(deltas).isEqualTo("The key is ***, I think.");
        assertThat(ofType(events, "tool.call").path("data").path("arguments").path("url").asText()).endsWith("?k=***");
        assertThat(ofType(events, "approval.requested").path("data").path("message").asText()).contains("http_request", "***");
        String encoded = java.util.Base64.getEncoder().encodeToString(("me:" + leaked).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String form : List.of(leaked, leaked.substring(0, 12), leaked.substring(12), encoded.substring(4, 20))) {
            assertThat(events.toString()).as(form).doesNotContain(form);
            given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                    .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(form)));
        }
        assertThat(java.nio.file.Files.readString(LOG)).contains(taskId).doesNotContain(leaked);
    }

    @Test
    void aRunThatKeepsCallingToolsStopsAtMaxSteps() throws Exception {
        String taskId = create("{\"task\":\"use-dns loop-tools\",\"max_steps\":4,\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(events.stream().filter(event -> event.path("type").asText().equals("tool.call"))).hasSize(3);
        assertThat(ofType(events, "message.completed").path("data").path("content").asText())
                .contains("limit of 4 model calls (max_steps)");
    }

    @Test
    void theCallsPastAMessagesOrARunsBoundAreRefusedNotMade() throws Exception {
        String many = create("{\"task\":\"many-calls at once\",\"response_format\":\"json\"}");
        List<JsonNode> results = ofAllTypes(eventsUntil(many, "run.completed"), "tool.result");
        assertThat(results).hasSize(5);
        assertThat(results).filteredOn(result -> !result.path("data").path("error").asBoolean()).hasSize(3);
        assertThat(results.get(4).path("data").path("output").asText()).contains("at most 3 tool calls");

        String looping = create("{\"task\":\"use-dns loop-tools long\",\"max_steps\":10,\"response_format\":\"json\"}");
        results = ofAllTypes(eventsUntil(looping, "run.completed"), "tool.result");
        assertThat(results).hasSize(9);
        assertThat(results.subList(0, 6)).allSatisfy(result -> assertThat(result.path("data").path("error").asBoolean()).isFalse());
        assertThat(results.subList(6, 9)).allSatisfy(result -> assertThat(result.path("data").path("output").asText())
                .contains("made its most tool calls (6)"));
    }

    @Test
    void aBusyProviderIsAskedAgainAndTheRunCompletes() throws Exception {
        String taskId = create("{\"task\":\"busy-twice then fine\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Hello from the model.");
        assertThat(FakeModelProvider.RECEIVED.stream().filter(received -> received.body().toString().contains("busy-twice"))).hasSize(3);
    }

    @Test
    void aProviderThatStaysBusyFallsOverToTheNextTargetOfItsModeAndTheUsageNamesWhoServed() throws Exception {
        String taskId = create("{\"task\":\"busy-unless-backup\",\"model\":\"auto\",\"mode\":\"chat\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Hello from the model.");
        JsonNode usage = ofType(events, "usage.reported").path("data");
        assertThat(usage.path("model").asText()).isEqualTo("auto");
        assertThat(usage.path("served_by").asText()).isEqualTo("backup/fake-backup");
        // the mode's model tried once and again three times (relay.llm.retries), then the fallback with its own key
        List<FakeModelProvider.Received> asked = FakeModelProvider.RECEIVED.stream()
                .filter(received -> received.body().toString().contains("busy-unless-backup")).toList();
        assertThat(asked).extracting(received -> received.body().path("model").asText())
                .containsExactly("fake-small", "fake-small", "fake-small", "fake-small", "fake-backup");
        assertThat(asked.get(4).authorization()).isEqualTo("Bearer backup-key");
    }

    @Test
    void aProviderErrorEndsTheRunWithAPlainReason() throws Exception {
        String taskId = create("{\"task\":\"please fail-500\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.failed");
        JsonNode failed = ofType(events, "run.failed");
        assertThat(failed.path("data").path("reason").asText()).isEqualTo("the model provider answered HTTP 500");
        // tried once and again three times (relay.llm.retries), then given up
        assertThat(FakeModelProvider.RECEIVED.stream().filter(received -> received.body().toString().contains("fail-500"))).hasSize(4);
        assertThat(events.toString()).doesNotContain(FakeModelProvider.API_KEY).doesNotContain("Exception").doesNotContain("upstream exploded");
        given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200);
    }

    @Test
    void aQuestionOfTheModelSuspendsTheRunAndTheAnswerGoesBackToIt() throws Exception {
        String taskId = create("{\"task\":\"ask-first about the port\",\"ask_question\":true,\"response_format\":\"json\"}");
        List<JsonNode> asked = eventsUntil(taskId, "approval.requested");
        assertThat(types(asked)).containsSubsequence("message.delta", "message.completed", "tool.call", "approval.requested");
        JsonNode request = ofType(asked, "approval.requested").path("data");
        assertThat(request.path("approval_type").asText()).isEqualTo("question");
        assertThat(request.path("message").asText()).isEqualTo("Which port should I check?");
        assertThat(request.path("call_id").asText()).isEqualTo(ofType(asked, "tool.call").path("data").path("call_id").asText());
        given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.status", org.hamcrest.Matchers.equalTo("suspended"))
                .body("pending_requests[0].id", org.hamcrest.Matchers.equalTo(request.path("id").asText()))
                .body("pending_requests[0].approval_type", org.hamcrest.Matchers.equalTo("question"));

        respond(taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + request.path("id").asText()
                + "\",\"ok\":true,\"instructions\":\"8443\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(types(events)).containsSubsequence("approval.requested", "approval.answered", "run.resumed", "tool.result",
                "message.delta", "message.completed", "run.completed");
        assertThat(ofType(events, "tool.result").path("data").path("output").asText()).isEqualTo("The user answered: 8443");
        assertThat(ofAllTypes(events, "message.completed")).extracting(event -> event.path("data").path("content").asText())
                .containsExactly("I need to know one thing.", "Checking port 8443.");
        // the resumed run gave the model the whole conversation: the prompt, its question as a call, the answer as its result
        JsonNode resumed = lastRequestContaining("ask-first about the port").body().path("messages");
        assertThat(resumed.findValuesAsText("role")).containsExactly("system", "user", "assistant", "tool");
        assertThat(resumed.get(2).path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("ask_question");
        given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("pending_requests", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void inManualApprovalModeACallThatChangesSomethingWaitsForTheUser() throws Exception {
        int posts = posts();
        String approved = createAgentTask("use-post and approve", "\"approvalMode\":\"manual\"");
        JsonNode request = ofType(eventsUntil(approved, "approval.requested"), "approval.requested").path("data");
        assertThat(request.path("approval_type").asText()).isEqualTo("tool_call");
        assertThat(request.path("tool").asText()).isEqualTo("http_request");
        assertThat(posts()).as("not called before the approval").isEqualTo(posts);
        respond(approved, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + request.path("id").asText() + "\",\"ok\":true}");
        List<JsonNode> events = eventsUntil(approved, "run.completed");
        assertThat(ofType(events, "tool.result").path("data").path("output").asText()).contains("you sent");
        assertThat(ofAllTypes(events, "message.completed").get(0).path("data").path("content").asText()).isEqualTo("Posted: done");
        assertThat(posts()).isEqualTo(posts + 1);

        String refused = createAgentTask("use-post and refuse", "\"approvalMode\":\"manual\"");
        request = ofType(eventsUntil(refused, "approval.requested"), "approval.requested").path("data");
        respond(refused, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + request.path("id").asText()
                + "\",\"ok\":false,\"instructions\":\"not today\"}");
        events = eventsUntil(refused, "run.completed");
        JsonNode result = ofType(events, "tool.result").path("data");
        assertThat(result.path("error").asBoolean()).isTrue();
        assertThat(result.path("output").asText()).contains("did not approve", "not today");
        assertThat(ofAllTypes(events, "message.completed").get(0).path("data").path("content").asText()).isEqualTo("Posted: not done");
        assertThat(posts()).isEqualTo(posts + 1);
    }

    @Test
    void aReadOnlyTaskIsNotOfferedToolsThatChangeSomething() throws Exception {
        int posts = posts();
        String taskId = createAgentTask("use-post while read-only", "\"approvalMode\":\"auto\",\"permissionMode\":\"read-only\"");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(lastRequestContaining("use-post while read-only").body().path("tools").toString())
                .contains("dns_lookup").doesNotContain("http_request");
        // the model asked for it anyway: refused, not made
        assertThat(ofType(events, "tool.result").path("data").path("output").asText()).contains("no tool named http_request");
        assertThat(posts()).isEqualTo(posts);
    }

    @Test
    void aPlanWaitsForApprovalThenIsCarriedOutAndAutoExecuteGoesStraightOn() throws Exception {
        String taskId = create("{\"task\":\"plan-it for me\",\"mode\":\"plan\",\"response_format\":\"json\"}");
        JsonNode request = ofType(eventsUntil(taskId, "approval.requested"), "approval.requested").path("data");
        assertThat(request.path("message").asText()).isEqualTo("Approve this plan?");
        assertThat(lastRequestContaining("plan-it for me").body().path("tools").toString()).contains("dns_lookup")
                .as("planning only reads").doesNotContain("http_request");
        respond(taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + request.path("id").asText() + "\",\"ok\":true}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(ofAllTypes(events, "message.completed")).extracting(event -> event.path("data").path("content").asText())
                .as("plan mode checks its work once (max_iterations 1)").containsExactly("1. Look it up.", "Done as planned.\n\nVerified.");
        assertThat(lastRequestContaining("plan-it for me").body().path("tools").toString()).contains("http_request");

        String auto = create("{\"task\":\"plan-it and go\",\"mode\":\"plan\",\"auto_execute\":true,\"max_iterations\":0,"
                + "\"response_format\":\"json\"}");
        events = eventsUntil(auto, "run.completed");
        assertThat(types(events)).doesNotContain("approval.requested");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("1. Look it up.\n\nDone as planned.");
    }

    @Test
    void aToolThePlanPhaseDoesNotOfferIsRefusedWhenTheModelCallsItAnyway() throws Exception {
        int posts = posts();
        String taskId = create("{\"task\":\"plan-post something\",\"mode\":\"plan\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "approval.requested");
        assertThat(lastRequestContaining("plan-post something").body().path("tools").toString()).doesNotContain("http_request");
        JsonNode result = ofType(events, "tool.result").path("data");
        assertThat(result.path("error").asBoolean()).isTrue();
        assertThat(result.path("output").asText()).contains("no tool named http_request", "not called");
        // no call was made, nor asked about: the run waits on its plan only
        assertThat(ofType(events, "approval.requested").path("data").path("message").asText()).isEqualTo("Approve this plan?");
        assertThat(ofAllTypes(events, "message.completed").get(0).path("data").path("content").asText()).isEqualTo("1. Post it later.");
        assertThat(posts()).isEqualTo(posts);
    }

    @Test
    void cancellingARunInTheMiddleOfAStreamClosesTheProvidersStream() throws Exception {
        String taskId = create("{\"task\":\"slow-stream please\",\"response_format\":\"json\"}");
        eventsUntil(taskId, "message.delta");
        respond(taskId, "{\"type\":\"user_cancel\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.aborted");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(FakeModelProvider.CLOSED_BY_CLIENT).contains("slow-stream"));
        assertThat(types(events)).doesNotContain("run.completed", "run.failed");
    }

    @Test
    void cancellingARunWhoseModelIsSilentClosesTheStreamAtOnce() throws Exception {
        long closedBefore = FakeModelProvider.CLOSED_BY_CLIENT.stream().filter("stall-stream"::equals).count();
        String taskId = create("{\"task\":\"stall-stream then cancel\",\"response_format\":\"json\"}");
        eventsUntil(taskId, "message.delta");
        long cancelled = System.nanoTime();
        respond(taskId, "{\"type\":\"user_cancel\"}");
        // the model sends nothing more: the cancel itself closes the stream, long before relay.llm.timeout (3 s here)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1)).until(() ->
                FakeModelProvider.CLOSED_BY_CLIENT.stream().filter("stall-stream"::equals).count() > closedBefore);
        assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofMillis(1500));
        eventsUntil(taskId, "run.aborted");
        long abortedAt = lastSeq(taskId);
        // past the provider timeout (3 s here): nothing more is written for the run, no run.failed after the abort
        org.awaitility.Awaitility.await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(6))
                .until(() -> lastSeq(taskId) == abortedAt);
        assertThat(types(eventsUntil(taskId, "run.aborted"))).endsWith("run.aborted").doesNotContain("run.failed");
    }

    @Test
    void aStreamThatStallsOrCannotBeReadEndsTheRunAsFailed() throws Exception {
        String stalled = create("{\"task\":\"stall-stream now\",\"response_format\":\"json\"}");
        assertThat(ofType(eventsUntil(stalled, "run.failed"), "run.failed").path("data").path("reason").asText())
                .isEqualTo("the model provider did not answer within 3 s");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(FakeModelProvider.CLOSED_BY_CLIENT).contains("stall-stream"));

        String malformed = create("{\"task\":\"malformed reply\",\"response_format\":\"json\"}");
        JsonNode failed = ofType(eventsUntil(malformed, "run.failed"), "run.failed").path("data");
        assertThat(failed.path("reason").asText()).startsWith("the model provider's answer could not be read");
    }

    static String createAgentTask(String prompt, String settings) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"message\":{\"type\":\"user_message\",\"content\":\"" + prompt + "\",\"timestamp\":\"2026-11-25T10:00:00Z\"},"
                        + settings + "}")
                .post("/api/preview/agents/models/tasks").then().statusCode(201).extract().path("taskId");
    }

    static void respond(String taskId, String event) {
        given().header("Authorization", TOKEN).contentType(ContentType.JSON).body("{\"event\":" + event + "}")
                .post("/api/preview/agents/models/tasks/" + taskId).then().statusCode(200);
    }

    private static int posts() {
        return (int) FakeModelProvider.ECHO_METHODS.stream().filter("POST"::equals).count();
    }

    static FakeModelProvider.Received lastRequestContaining(String text) {
        return FakeModelProvider.RECEIVED.stream().filter(received -> received.body().toString().contains(text))
                .reduce((first, second) -> second).orElseThrow();
    }

    static List<JsonNode> ofAllTypes(List<JsonNode> events, String type) {
        return events.stream().filter(event -> event.path("type").asText().equals(type)).toList();
    }

    static String create(String body) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(body)
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    static List<JsonNode> eventsUntil(String taskId, String lastType) throws Exception {
        List<ConsumerRecord<String, String>> read = TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(30),
                records -> records.stream().anyMatch(record -> taskId.equals(record.key()) && record.value().contains("\"" + lastType + "\"")));
        List<ConsumerRecord<String, String>> ofTask = read.stream().filter(record -> taskId.equals(record.key())).toList();
        // this class runs in a profile of its own, after the suite's EventContractTest: its events are checked here
        assertThat(EventContract.violations(ofTask)).isEmpty();
        List<JsonNode> events = new java.util.ArrayList<>();
        for (ConsumerRecord<String, String> record : ofTask) {
            events.add(JSON.readTree(record.value()));
        }
        events.sort(java.util.Comparator.comparingLong(event -> event.path("seq").asLong()));
        assertThat(types(events)).contains(lastType);
        return events;
    }

    /** The seq of the task's last event, as its details show it. */
    private static long lastSeq(String taskId) {
        return given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .extract().jsonPath().getLong("stream.last_seq");
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    static JsonNode ofType(List<JsonNode> events, String type) {
        return events.stream().filter(event -> event.path("type").asText().equals(type)).findFirst().orElseThrow();
    }
}
