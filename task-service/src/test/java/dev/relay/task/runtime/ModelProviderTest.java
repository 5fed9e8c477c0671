package dev.relay.task.runtime;

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
class ModelProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = TestTokens.bearer("models", "user@models.dev");
    private static final java.nio.file.Path LOG = java.nio.file.Path.of("target", "model-provider-test.log").toAbsolutePath();

    public static class WithAModelProvider implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.llm.models.\"sonnet-4.6\"", "fake-large", "relay.llm.default-model", "fake-default",
                    "relay.llm.auto.chat", "fake-small", "relay.llm.retry-backoff", "50ms",
                    "relay.tools.http.allowed-hosts", "127.0.0.1",
                    // the log of this test application, searched for a planted secret
                    "quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeModelProvider.class));
        }
    }

    @Test
    void theProvidersStreamBecomesTheRunsEvents() throws Exception {
        String taskId = create("{\"task\":\"Check example.com\",\"model\":\"sonnet-4.6\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");

        assertThat(types(events)).startsWith("task.created", "message.user", "run.started").endsWith("message.completed",
                "usage.reported", "run.completed");
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

        FakeModelProvider.Received request = FakeModelProvider.RECEIVED.stream()
                .filter(received -> received.body().toString().contains("Check example.com")).findFirst().orElseThrow();
        assertThat(request.body().path("model").asText()).isEqualTo("fake-large");
        assertThat(request.body().path("stream").asBoolean()).isTrue();
        assertThat(request.authorization()).isEqualTo("Bearer " + FakeModelProvider.API_KEY);
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

        assertThat(types(events)).containsSubsequence("run.started", "tool.call", "tool.result", "message.delta",
                "message.completed", "usage.reported", "run.completed");
        JsonNode call = ofType(events, "tool.call");
        JsonNode result = ofType(events, "tool.result");
        assertThat(call.path("data").path("name").asText()).isEqualTo("dns_lookup");
        assertThat(call.path("data").path("arguments").path("name").asText()).isEqualTo("localhost");
        assertThat(result.path("data").path("call_id").asText()).isEqualTo(call.path("data").path("call_id").asText());
        assertThat(result.path("data").path("error").asBoolean()).isFalse();
        assertThat(result.path("data").path("output").asText()).contains("127.0.0.1");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Resolved: 127.0.0.1");
        // two model calls: their usage together
        assertThat(ofType(events, "usage.reported").path("data").path("input_tokens").asInt()).isEqualTo(2 * FakeModelProvider.PROMPT_TOKENS);
        FakeModelProvider.Received second = FakeModelProvider.RECEIVED.stream()
                .filter(received -> received.body().toString().contains("use-dns to resolve") && received.body().toString().contains("\"tool\""))
                .findFirst().orElseThrow();
        assertThat(second.body().path("tools").toString()).contains("dns_lookup", "tls_inspect", "http_request");
    }

    @Test
    void aPlantedSecretReachesTheToolButNoEventTheModelOrTheLog() throws Exception {
        String planted = "shodan-" + java.util.UUID.randomUUID();
        given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", "SHODAN_TOKEN", "value", planted)).post("/api/v1/secrets").then().statusCode(201);
        String taskId = create("{\"task\":\"use-http with my token\",\"secrets\":[\"SHODAN_TOKEN\"],\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");

        assertThat(FakeModelProvider.ECHOED).contains("Bearer " + planted);
        assertThat(ofType(events, "tool.result").path("data").path("output").asText()).contains("Bearer ***");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Called: redacted");
        assertThat(events.toString()).doesNotContain(planted);
        assertThat(FakeModelProvider.RECEIVED.toString()).doesNotContain(planted);
        given().header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(planted)));
        assertThat(java.nio.file.Files.readString(LOG)).contains(taskId).doesNotContain(planted);
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
    void aBusyProviderIsAskedAgainAndTheRunCompletes() throws Exception {
        String taskId = create("{\"task\":\"busy-twice then fine\",\"response_format\":\"json\"}");
        List<JsonNode> events = eventsUntil(taskId, "run.completed");
        assertThat(ofType(events, "message.completed").path("data").path("content").asText()).isEqualTo("Hello from the model.");
        assertThat(FakeModelProvider.RECEIVED.stream().filter(received -> received.body().toString().contains("busy-twice"))).hasSize(3);
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

    private static String create(String body) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(body)
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    private static List<JsonNode> eventsUntil(String taskId, String lastType) throws Exception {
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

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    private static JsonNode ofType(List<JsonNode> events, String type) {
        return events.stream().filter(event -> event.path("type").asText().equals(type)).findFirst().orElseThrow();
    }
}
