package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.restassured.path.json.JsonPath;

/**
 * completion_delivery: artifact keeps what a completed run handed off for GET /api/v1/tasks/{id}/artifacts;
 * webhook POSTs it to the organization's webhook, signed the Standard Webhooks way, until the receiver takes it
 * (a receiver answering 500 twice gets the third attempt), each attempt in the delivery log.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class CompletionDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request the receiver got: its headers (lower-case names) and body. */
    private record Received(Map<String, List<String>> headers, String body) {
    }

    private HttpServer receiver;

    @Inject
    Pool pool;

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void anArtifactRunKeepsItsFinalMessageToolOutputsAndUsage() {
        String token = TestTokens.bearer("artifacts", "ann@artifacts.dev");
        String taskId = create(token, "{\"task\":\"keep what you find\",\"completion_delivery\":\"artifact\",\"response_format\":\"json\"}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId + "/artifacts").then().statusCode(200).body("artifacts", hasSize(1)));

        JsonPath details = given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().extract().jsonPath();
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId + "/artifacts").then()
                .body("artifacts[0].kind", equalTo("completion"))
                .body("artifacts[0].stream_id", equalTo(details.getString("streams[0].stream_id")))
                .body("artifacts[0].content.message", equalTo(details.getString("messages[1].content")))
                .body("artifacts[0].content.status", equalTo("completed"))
                .body("artifacts[0].content.tool_outputs", hasSize(0))
                .body("artifacts[0].content.usage.input_tokens", org.hamcrest.Matchers.greaterThan(0));
        // another organization does not see the task, nor its artifacts
        given().header("Authorization", TestTokens.bearer("elsewhere", "ann@artifacts.dev"))
                .get("/api/v1/tasks/" + taskId + "/artifacts").then().statusCode(404).body("code", equalTo("not_exists"));
        // a task that asks for no delivery has none
        String plain = create(token, "{\"task\":\"nothing to keep\",\"response_format\":\"json\"}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + plain).then().body("task.status", equalTo("completed")));
        given().header("Authorization", token).get("/api/v1/tasks/" + plain + "/artifacts").then().body("artifacts", hasSize(0));
    }

    @Test
    void aWebhookMessageIsSignedRetriedUntilTakenAndEveryAttemptIsLogged() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        String url = startReceiver(received, 2);
        String token = TestTokens.adminBearer("hooks", "hank@hooks.dev");

        String secret = given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", url))
                .put("/api/v1/webhook").then().statusCode(201).body("url", equalTo(url)).body("secret", startsWith("whsec_"))
                .extract().path("secret");
        given().header("Authorization", token).get("/api/v1/webhook").then().statusCode(200).body("secret", nullValue());
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", url))
                .put("/api/v1/webhook").then().statusCode(200).body("secret", nullValue());

        String taskId = create(token, "{\"task\":\"tell me when done\",\"completion_delivery\":\"webhook\",\"response_format\":\"json\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 3);

        Received last = received.get(2);
        String messageId = header(last, "webhook-id");
        assertThat(received).extracting(request -> header(request, "webhook-id")).as("one message, the same id on every attempt")
                .containsOnly(messageId);
        // the library's own verification, and the algorithm by hand: base64 HMAC-SHA256 of "id.timestamp.body"
        new Webhook(secret).verify(last.body(), last.headers());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(
                (messageId + "." + header(last, "webhook-timestamp") + "." + last.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(header(last, "webhook-signature")).isEqualTo(expected);
        JsonNode payload = JSON.readTree(last.body());
        assertThat(payload.path("type").asText()).isEqualTo("task.completed");
        assertThat(payload.path("data").path("task_id").asText()).isEqualTo(taskId);
        assertThat(payload.path("data").path("message").asText()).contains("tell me when done");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/webhook/deliveries").then().statusCode(200)
                .body("deliveries", hasSize(1))
                .body("deliveries[0].id", equalTo(messageId))
                .body("deliveries[0].task_id", equalTo(taskId))
                .body("deliveries[0].status", equalTo("delivered"))
                .body("deliveries[0].attempts.status_code", equalTo(List.of(500, 500, 200))));
        assertThat(received).hasSize(3);
        given().header("Authorization", TestTokens.adminBearer("elsewhere", "hank@hooks.dev")).get("/api/v1/webhook/deliveries").then()
                .statusCode(200).body("deliveries", hasSize(0));

        // a member of the organization sees the URL but neither re-points, rotates nor deletes the webhook, nor reads the log
        String member = TestTokens.bearer("hooks", "mallory@hooks.dev");
        given().header("Authorization", member).get("/api/v1/webhook").then().statusCode(200).body("url", equalTo(url));
        for (Map<String, Object> change : List.<Map<String, Object>>of(Map.of("url", "https://mallory.example.com/hook"),
                Map.of("url", url, "rotate_secret", true))) {
            given().header("Authorization", member).contentType(ContentType.JSON).body(change).put("/api/v1/webhook").then()
                    .statusCode(403).body("code", equalTo("forbidden")).body("secret", nullValue());
        }
        given().header("Authorization", member).delete("/api/v1/webhook").then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", member).get("/api/v1/webhook/deliveries").then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", token).get("/api/v1/webhook").then().statusCode(200).body("url", equalTo(url));
    }

    @Test
    void aWebhookSubscribedToLifecycleEventsHearsEachRunStartAndEndSignedAndOnlyThose() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        String url = startReceiver(received, 0);
        String token = TestTokens.adminBearer("lifecycle-" + UUID.randomUUID(), "lena@lifecycle.dev");
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("url", url, "events", List.of("run.started", "nope.unknown")))
                .put("/api/v1/webhook").then().statusCode(400).body("code", equalTo("invalid_request"));
        String secret = given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("url", url, "events", List.of("run.started", "run.completed", "run.failed")))
                .put("/api/v1/webhook").then().statusCode(201)
                .body("events", equalTo(List.of("run.started", "run.completed", "run.failed"))).extract().path("secret");

        // no completion_delivery: the task's lifecycle alone is sent, not task.completed
        String taskId = create(token, "{\"task\":\"tell me how it goes\",\"response_format\":\"json\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 2);
        Thread.sleep(500); // nothing else comes
        assertThat(received).hasSize(2);
        List<JsonNode> payloads = new java.util.ArrayList<>();
        for (Received message : received) {
            new Webhook(secret).verify(message.body(), message.headers());
            payloads.add(JSON.readTree(message.body()));
        }
        assertThat(payloads).extracting(payload -> payload.path("type").asText()).containsExactly("run.started", "run.completed");
        assertThat(payloads).allSatisfy(payload -> assertThat(payload.path("data").path("task_id").asText()).isEqualTo(taskId));
        assertThat(payloads.get(1).path("data").path("seq").asLong()).isGreaterThan(payloads.get(0).path("data").path("seq").asLong());

        // the list kept when the URL alone changes; the delivery log names each message's type
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", url))
                .put("/api/v1/webhook").then().statusCode(200).body("events", equalTo(List.of("run.started", "run.completed", "run.failed")));
        given().header("Authorization", token).get("/api/v1/webhook/deliveries").then().statusCode(200)
                .body("deliveries.event_type", org.hamcrest.Matchers.containsInAnyOrder("run.started", "run.completed"));
    }

    @Test
    void aTaskNamingItsOwnReceiverHearsItsLifecycleSignedWithTheOrganizationsSecret() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        String url = startReceiver(received, 0);
        String token = TestTokens.adminBearer("own-receiver-" + UUID.randomUUID(), "oli@receivers.dev");
        // the organization's webhook hears task.completed alone (the default), which this task does not ask for
        String secret = given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("url", url + "/org")).put("/api/v1/webhook").then().statusCode(201).extract().path("secret");
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"x\",\"response_format\":\"json\",\"webhook_url\":\"http://10.0.0.1/hook\"}")
                .post("/api/v1/tasks").then().statusCode(400).body("message", endsWith("field 'webhook_url': destination not allowed by the egress policy"));

        String taskId = create(token, "{\"task\":\"tell me how it goes\",\"response_format\":\"json\",\"webhook_url\":\"" + url + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 2);
        Thread.sleep(500); // nothing else comes
        assertThat(received).hasSize(2);
        List<JsonNode> payloads = new java.util.ArrayList<>();
        for (Received message : received) {
            new Webhook(secret).verify(message.body(), message.headers());
            payloads.add(JSON.readTree(message.body()));
        }
        assertThat(payloads).extracting(payload -> payload.path("type").asText()).containsExactly("run.started", "run.completed");
        assertThat(payloads).allSatisfy(payload -> assertThat(payload.path("data").path("task_id").asText()).isEqualTo(taskId));
        given().header("Authorization", token).get("/api/v1/webhook/deliveries").then().statusCode(200)
                .body("deliveries.status", org.hamcrest.Matchers.everyItem(equalTo("delivered")));

        // with no webhook of its organization there is no secret to sign with: nothing is sent, the log says why
        String unsigned = TestTokens.adminBearer("own-receiver-" + UUID.randomUUID(), "uma@receivers.dev");
        create(unsigned, "{\"task\":\"and here?\",\"response_format\":\"json\",\"webhook_url\":\"" + url + "\"}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", unsigned)
                .get("/api/v1/webhook/deliveries").then().statusCode(200)
                .body("deliveries.status", equalTo(List.of("failed", "failed")))
                .body("deliveries[0].attempts[0].error", org.hamcrest.Matchers.containsString("no webhook")));
        assertThat(received).hasSize(2);
    }

    @Test
    void theDeliveryLogPagesNewestFirstWithAContinuationToken() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        String url = startReceiver(received, 0);
        String token = TestTokens.adminBearer("hooks-pages", "pam@hooks.dev");
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", url))
                .put("/api/v1/webhook").then().statusCode(201);
        for (int i = 0; i < 3; i++) {
            create(token, "{\"task\":\"page me " + i + "\",\"completion_delivery\":\"webhook\",\"response_format\":\"json\"}");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/webhook/deliveries").then().statusCode(200).body("deliveries", hasSize(3))
                .body("continuationToken", nullValue()));
        List<String> all = given().header("Authorization", token).get("/api/v1/webhook/deliveries").then().extract().path("deliveries.id");

        JsonPath first = given().header("Authorization", token).queryParam("pageSize", 2).get("/api/v1/webhook/deliveries")
                .then().statusCode(200).body("deliveries", hasSize(2)).extract().jsonPath();
        String next = first.getString("continuationToken");
        assertThat(next).isNotBlank();
        given().header("Authorization", token).queryParam("pageSize", 2).queryParam("continuationToken", next)
                .get("/api/v1/webhook/deliveries").then().statusCode(200)
                .body("deliveries.id", equalTo(all.subList(2, 3)))
                .body("continuationToken", nullValue());
        assertThat(first.getList("deliveries.id", String.class)).isEqualTo(all.subList(0, 2));
        List<String> created = first.getList("deliveries.created_at", String.class);
        assertThat(java.time.Instant.parse(created.get(0))).isAfterOrEqualTo(java.time.Instant.parse(created.get(1)));
        // the deprecated limit still sizes the page; a token made up by the client, or a page size out of range, is a 400
        given().header("Authorization", token).queryParam("limit", 1).get("/api/v1/webhook/deliveries").then().statusCode(200)
                .body("deliveries.id", equalTo(all.subList(0, 1)));
        given().header("Authorization", token).queryParam("continuationToken", "bm90IG91cnM").get("/api/v1/webhook/deliveries")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        given().header("Authorization", token).queryParam("pageSize", 0).get("/api/v1/webhook/deliveries")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    @Test
    void aWebhookNeedsAnHttpUrl() {
        String token = TestTokens.adminBearer("hooks-bad", "bea@hooks.dev");
        for (String url : new String[] {"ftp://example.com/x", "not a url", "/relative", "http://user:pw@example.com/"}) {
            given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", url))
                    .put("/api/v1/webhook").then().statusCode(400).body("code", equalTo("invalid_request"));
        }
        given().header("Authorization", token).get("/api/v1/webhook").then().statusCode(404);
        given().header("Authorization", token).delete("/api/v1/webhook").then().statusCode(404);
    }

    @Test
    void aWebhookThatLeadsInsideIsRefusedWhenSet() {
        // the test profile lets 127.0.0.1 through (the receivers above); nothing else inside
        String token = TestTokens.adminBearer("hooks-inside", "ina@hooks.dev");
        for (String url : new String[] {"http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/", "http://10.0.0.1/hook",
                "https://0xa9fea9fe/", "http://[::1]:8080/hook", "https://localhost/hook", "http://kube-dns.kube-system.svc.cluster.local/",
                "http://127.0.0.1:22/", "https://hooks.example.com:25/"}) {
            given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", url))
                    .put("/api/v1/webhook").then().statusCode(400).body("code", equalTo("invalid_request"))
                    .body("message", endsWith("field 'url': destination not allowed by the egress policy"));
        }
        given().header("Authorization", token).get("/api/v1/webhook").then().statusCode(404);
    }

    @Test
    void aWebhookThatLeadsInsideWhenSentIsGivenUpAtOnceWithoutAConnection() throws Exception {
        // set while it pointed at 127.0.0.1 (which the test profile allows); by the time the message is sent it points
        // at 127.0.0.2, which nothing allows (a DNS record that changed, say): the send checks again and opens no socket
        try (dev.relay.testsupport.CountingListener listener = new dev.relay.testsupport.CountingListener(InetAddress.getByName("127.0.0.2"))) {
            String token = TestTokens.adminBearer("hooks-moved", "mo@hooks.dev");
            int port = listener.port();
            given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1:" + port + "/hook"))
                    .put("/api/v1/webhook").then().statusCode(201);
            pool.preparedQuery("UPDATE task.webhook SET url = $1 WHERE org = $2")
                    .execute(Tuple.of("http://127.0.0.2:" + port + "/hook", "hooks-moved")).await().atMost(Duration.ofSeconds(10));

            create(token, "{\"task\":\"tell me when done\",\"completion_delivery\":\"webhook\",\"response_format\":\"json\"}");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", token)
                    .get("/api/v1/webhook/deliveries").then().statusCode(200)
                    .body("deliveries", hasSize(1))
                    .body("deliveries[0].status", equalTo("failed"))
                    .body("deliveries[0].attempts", hasSize(1))
                    .body("deliveries[0].attempts[0].error", equalTo("destination not allowed by the egress policy"))
                    .body("deliveries[0].attempts[0].status_code", nullValue())
                    .body("deliveries[0].attempts[0].duration_ms", equalTo(0)));
            assertThat(listener.accepted()).as("connections the listener accepted").isZero();
        }
    }

    /** A receiver that accepts and then answers one byte every 200 ms, never a whole answer, holds up its own org only. */
    @Test
    void aReceiverThatHoldsItsAnswerDelaysOnlyItsOwnOrganizationsMessages() throws Exception {
        try (java.net.ServerSocket slow = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!slow.isClosed()) {
                    try {
                        java.net.Socket socket = slow.accept();
                        held.incrementAndGet();
                        Thread trickle = new Thread(() -> {
                            try (socket) {
                                for (int i = 0; i < 600 && !slow.isClosed(); i++) {
                                    socket.getOutputStream().write('H');
                                    socket.getOutputStream().flush();
                                    Thread.sleep(200);
                                }
                            } catch (Exception gone) {
                                // the sender gave up, or the test ended
                            }
                        });
                        trickle.setDaemon(true);
                        trickle.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String slowOrg = "hooks-slow-" + UUID.randomUUID().toString().substring(0, 8);
            String slowToken = TestTokens.adminBearer(slowOrg, "sam@slow.dev");
            given().header("Authorization", slowToken).contentType(ContentType.JSON)
                    .body(Map.of("url", "http://127.0.0.1:" + slow.getLocalPort() + "/hook")).put("/api/v1/webhook").then().statusCode(201);
            for (int i = 0; i < 4; i++) {
                create(slowToken, "{\"task\":\"slow " + i + "\",\"completion_delivery\":\"webhook\",\"response_format\":\"json\"}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> held.get() >= 1);

            List<Received> received = new CopyOnWriteArrayList<>();
            String url = startReceiver(received, 0);
            String fastToken = TestTokens.adminBearer("hooks-fast-" + UUID.randomUUID().toString().substring(0, 8), "fay@fast.dev");
            given().header("Authorization", fastToken).contentType(ContentType.JSON).body(Map.of("url", url))
                    .put("/api/v1/webhook").then().statusCode(201);
            long started = System.nanoTime();
            create(fastToken, "{\"task\":\"fast\",\"completion_delivery\":\"webhook\",\"response_format\":\"json\"}");
            // the slow receiver holds each of its attempts for relay.webhooks.timeout (10 s): sent in turn, this one would wait
            await().atMost(Duration.ofSeconds(8)).until(() -> received.size() >= 1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(held.get()).as("the slow organization's messages are sent one at a time").isLessThanOrEqualTo(2);
        }
    }

    private static String create(String token, String body) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    /** A receiver that answers 500 to its first {@code failures} requests and 204 after; its URL. */
    private String startReceiver(List<Received> received, int failures) throws IOException {
        String path = "/hooks/" + UUID.randomUUID();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext(path, exchange -> answer(exchange, received, failures));
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private static void answer(HttpExchange exchange, List<Received> received, int failures) throws IOException {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        received.add(new Received(headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        exchange.sendResponseHeaders(received.size() <= failures ? 500 : 200, -1);
        exchange.close();
    }

    private static String header(Received request, String name) {
        return request.headers().get(name).get(0);
    }
}
