package dev.relay.task.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.FakeModelProvider;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A model that tries every built-in tool against the inside — a loopback listener the test profile does not allow
 * (127.0.0.2) in every spelling, localhost, ::1, cluster names — through a whole run: every attempt is refused with the
 * one neutral answer or answered nothing, and the listener accepts no connection. Only loopback targets are probed, so
 * a policy that failed would still reach nothing but this machine.
 */
@QuarkusTest
@TestProfile(EgressProbeTest.WithProbes.class)
@WithTestResource(RelayTestResources.class)
class EgressProbeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSED = "destination not allowed by the egress policy";
    private static final List<String> SPELLINGS = List.of("127.0.0.2", "127.2", "2130706434", "0x7f000002", "0177.0.0.2",
            "[::ffff:127.0.0.2]", "localhost", "LOCALHOST.", "[::1]");

    /** The model-provider profile, with http_request allowed to every spelling probed: only the egress policy stands in the way. */
    public static class WithProbes implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(new ModelProviderTest.WithAModelProvider().getConfigOverrides());
            overrides.put("relay.tools.http.allowed-hosts", String.join(",", SPELLINGS) + ",127.0.0.1");
            overrides.put("relay.tools.max-calls-per-run", "100"); // every probe is made, none refused for the count
            return overrides;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeModelProvider.class));
        }
    }

    @Test
    void aModelThatTriesEveryToolAgainstTheInsideReachesNothing() throws Exception {
        try (dev.relay.testsupport.CountingListener listener = new dev.relay.testsupport.CountingListener(InetAddress.getByName("127.0.0.2"))) {
            int port = listener.port();
            List<String[]> probes = new ArrayList<>();
            for (String host : SPELLINGS) {
                String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                probes.add(new String[] {"tls_inspect", "{\"host\":\"" + bare + "\",\"port\":" + port + "}"});
                probes.add(new String[] {"http_request", "{\"url\":\"http://" + host + ":" + port + "/\"}"});
            }
            for (String name : List.of("127.0.0.2", "kubernetes.default.svc.cluster.local", "metadata.google.internal")) {
                probes.add(new String[] {"dns_lookup", "{\"name\":\"" + name + "\"}"});
            }
            // localhost's 127.0.0.1 is what this profile allows for its receivers; its ::1 is not
            probes.add(new String[] {"dns_lookup", "{\"name\":\"localhost\",\"type\":\"AAAA\"}"});
            probes.add(new String[] {"dns_lookup", "{\"name\":\"api.localhost\",\"type\":\"AAAA\"}"});
            probes.add(new String[] {"dns_lookup", "{\"name\":\"metadata.google.internal\",\"type\":\"CNAME\"}"});
            FakeModelProvider.PROBES.clear();
            FakeModelProvider.PROBES.addAll(probes);

            String taskId = ModelProviderTest.create("{\"task\":\"probe-inside the network\",\"response_format\":\"json\",\"max_steps\":60}");
            List<JsonNode> events = ModelProviderTest.eventsUntil(taskId, "run.completed");

            List<JsonNode> calls = ModelProviderTest.ofAllTypes(events, "tool.call");
            List<JsonNode> results = ModelProviderTest.ofAllTypes(events, "tool.result");
            assertThat(calls).hasSize(probes.size());
            assertThat(results).hasSize(probes.size());
            for (int i = 0; i < probes.size(); i++) {
                JsonNode result = results.get(i).path("data");
                assertThat(result.path("call_id").asText()).isEqualTo(calls.get(i).path("data").path("call_id").asText());
                String what = probes.get(i)[0] + " " + probes.get(i)[1];
                if (probes.get(i)[0].equals("dns_lookup")) {
                    assertThat(JSON.readTree(result.path("output").asText()).path("records")).as(what).isEmpty();
                } else if (probes.get(i)[0].equals("http_request")) {
                    // java.net.URI reads 127.2, 2130706434 and 0x7f000002 as no host at all: refused before the policy
                    assertThat(result.path("error").asBoolean()).as(what).isTrue();
                    assertThat(result.path("output").asText()).as(what).isIn(REFUSED, "'url' must be an http or https URL");
                } else {
                    assertThat(result.path("error").asBoolean()).as(what).isTrue();
                    assertThat(result.path("output").asText()).as(what).isEqualTo(REFUSED);
                }
            }
            Thread.sleep(200);
            assertThat(listener.accepted()).as("connections the listener accepted").isZero();
        } finally {
            FakeModelProvider.PROBES.clear();
        }
    }

    /**
     * Every way a model might send a secret somewhere it is not bound to — the URL's query, path or host name, a header
     * or the body towards an allowed host the secret is not bound to, a header's name, a secret the task did not name,
     * the other tools — each approved by the user when asked: nothing carrying the secret reaches the receiver (a
     * loopback listener the policy lets through, shown reachable by a plain request), and no form of it is in any event,
     * the task's details, its artifacts, the requests to the model or the log.
     */
    @Test
    void aModelThatTriesToSendASecretWhereItIsNotBoundSendsItNowhere() throws Exception {
        String secret = "sm\"ug\\gle-" + java.util.UUID.randomUUID();
        String token = dev.relay.testsupport.TestTokens.bearer("models", "user@models.dev");
        String admin = dev.relay.testsupport.TestTokens.adminBearer("models", "admin@models.dev");
        io.restassured.RestAssured.given().header("Authorization", admin).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("name", "SMUGGLE", "value", secret, "hosts", List.of("localhost"))).post("/api/v1/secrets")
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        io.restassured.RestAssured.given().header("Authorization", admin).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("name", "UNNAMED", "value", secret + "-unnamed", "hosts", List.of("127.0.0.1"))).post("/api/v1/secrets")
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String at = "http://127.0.0.1:" + receiver.getAddress().getPort();
            String ref = "{{secrets.SMUGGLE}}";
            List<String[]> smuggles = List.of(
                    new String[] {"http_request", "{\"url\":\"" + at + "/x?k=" + ref + "\"}"},
                    new String[] {"http_request", "{\"url\":\"" + at + "/" + ref + "\"}"},
                    new String[] {"http_request", "{\"url\":\"http://" + ref + ".localhost:" + receiver.getAddress().getPort() + "/\"}"},
                    new String[] {"http_request", "{\"url\":\"" + at + "/h\",\"headers\":{\"Authorization\":\"Bearer " + ref + "\"}}"},
                    new String[] {"http_request", "{\"url\":\"" + at + "/b\",\"method\":\"POST\",\"body\":\"k=" + ref + "\"}"},
                    new String[] {"http_request", "{\"url\":\"" + at + "/n\",\"headers\":{\"X-" + ref + "\":\"1\"}}"},
                    new String[] {"http_request", "{\"url\":\"" + at + "/u\",\"headers\":{\"Authorization\":\"{{secrets.UNNAMED}}\"}}"},
                    new String[] {"dns_lookup", "{\"name\":\"" + ref + ".example.test\"}"},
                    new String[] {"tls_inspect", "{\"host\":\"" + ref + "\",\"port\":443}"});
            List<String[]> probes = new ArrayList<>(smuggles);
            probes.add(new String[] {"http_request", "{\"url\":\"" + at + "/control\"}"});
            FakeModelProvider.PROBES.clear();
            FakeModelProvider.PROBES.addAll(probes);

            String taskId = ModelProviderTest.create("{\"task\":\"probe-inside with a secret\",\"secrets\":[\"SMUGGLE\"],"
                    + "\"completion_delivery\":\"artifact\",\"response_format\":\"json\",\"max_steps\":30}");
            List<JsonNode> events = approvingUntilCompleted(taskId);

            List<JsonNode> results = ModelProviderTest.ofAllTypes(events, "tool.result");
            assertThat(results).hasSize(probes.size());
            for (int i = 0; i < smuggles.size(); i++) {
                assertThat(results.get(i).path("data").path("error").asBoolean()).as(String.join(" ", smuggles.get(i))).isTrue();
            }
            assertThat(results.get(smuggles.size()).path("data").path("error").asBoolean()).as("the plain request").isFalse();
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).startsWith("GET /control ");

            String escaped = secret.replace("\\", "\\\\").replace("\"", "\\\"");
            String base64 = java.util.Base64.getEncoder().encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            List<String> forms = List.of(secret, escaped, secret.substring(secret.length() - 12), base64.substring(0, 16),
                    java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8));
            String details = io.restassured.RestAssured.given().header("Authorization", token).get("/api/v1/tasks/" + taskId)
                    .then().statusCode(200).extract().asString();
            String artifacts = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
                    () -> io.restassured.RestAssured.given().header("Authorization", token).get("/api/v1/tasks/" + taskId + "/artifacts")
                            .then().statusCode(200).extract().asString(), body -> body.contains("Probed"));
            String log = java.nio.file.Files.readString(java.nio.file.Path.of("target", "model-provider-test.log"));
            for (String form : forms) {
                assertThat(received.toString()).as("the receiver, " + form).doesNotContain(form);
                assertThat(events.toString()).as("the events, " + form).doesNotContain(form);
                assertThat(details).as("the details, " + form).doesNotContain(form);
                assertThat(artifacts).as("the artifacts, " + form).doesNotContain(form);
                assertThat(FakeModelProvider.RECEIVED.toString()).as("the model's requests, " + form).doesNotContain(form);
                assertThat(log).as("the log, " + form).contains(taskId).doesNotContain(form);
            }
        } finally {
            receiver.stop(0);
            FakeModelProvider.PROBES.clear();
        }
    }

    /** The task's events once its run completed, approving every call the user is asked about on the way. */
    private static List<JsonNode> approvingUntilCompleted(String taskId) throws Exception {
        java.util.Set<String> answered = new java.util.HashSet<>();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
        while (java.time.Instant.now().isBefore(deadline)) {
            List<JsonNode> events = eventsOf(taskId, answered.size());
            if (events.stream().anyMatch(event -> event.path("type").asText().equals("run.completed"))) {
                return events;
            }
            for (JsonNode asked : ModelProviderTest.ofAllTypes(events, "approval.requested")) {
                String id = asked.path("data").path("id").asText();
                if (answered.add(id)) {
                    ModelProviderTest.respond(taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + id + "\",\"ok\":true}");
                }
            }
        }
        throw new AssertionError("the run of task " + taskId + " did not complete within 60 s");
    }

    /** The task's events so far: once it completed or asks more than the {@code answered} approvals (or after 2 s). */
    private static List<JsonNode> eventsOf(String taskId, int answered) throws Exception {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> read = dev.relay.testsupport.TestTopics.readUntil(
                dev.relay.common.event.Topics.TASK_EVENTS, java.time.Duration.ofSeconds(2),
                records -> records.stream().anyMatch(record -> taskId.equals(record.key()) && record.value().contains("\"run.completed\""))
                        || records.stream().filter(record -> taskId.equals(record.key())
                                && record.value().contains("\"approval.requested\"")).count() > answered);
        List<JsonNode> events = new ArrayList<>();
        for (var record : read) {
            if (taskId.equals(record.key())) {
                events.add(JSON.readTree(record.value()));
            }
        }
        events.sort(java.util.Comparator.comparingLong(event -> event.path("seq").asLong()));
        return events;
    }
}
