package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.TestTokens;
import io.restassured.http.ContentType;

/**
 * The secrets key rotated across restarts of the packaged task service: values sealed under key 1 still open after a
 * restart with key 2 current and key 1 in the ring, an admin's re-seal moves them onto key 2, and after a further
 * restart without key 1 the webhook's signing secret (sealed before the rotation) still signs its messages.
 */
class SecretsKeyRotationIT {

    private static final String ORG = "rotation";
    private static final String ADMIN = TestTokens.adminBearer(ORG, "keeper@rotation.dev");
    private static final String KEY_1 = "cmVsYXktcm90YXRpb24ta2V5LW9uZS0zMi1ieXRlcyE=";
    private static final String KEY_2 = "cmVsYXktcm90YXRpb24ta2V5LXR3by0zMi1ieXRlcyE=";

    private record Received(Map<String, String> headers, String body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private PackagedService taskService;

    @AfterEach
    void stop() {
        if (taskService != null) {
            taskService.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void valuesSealedBeforeARotationOpenAfterARestartAndAnAdminsResealMovesThemOntoTheNewKey() throws Exception {
        String url = startReceiver();
        taskService = start(Map.of("RELAY_SECRETS_KEY", KEY_1, "RELAY_SECRETS_KEY_ID", "1"), url);
        String signingSecret = given().baseUri(base()).header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("url", url)).put("/api/v1/webhook").then().statusCode(201).extract().path("secret");
        given().baseUri(base()).header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("name", "ROTATED", "value", "sealed under key 1", "hosts", List.of("api.example.com")))
                .post("/api/v1/secrets").then().statusCode(201);
        given().baseUri(base()).header("Authorization", ADMIN).post("/api/v1/secrets/reseal").then().statusCode(200)
                .body("key_id", equalTo("1")).body("resealed", equalTo(0)).body("remaining", equalTo(0));
        taskService.close();

        // the operator's rotation: key 2 current, key 1 kept in the ring until the values are moved
        taskService = start(Map.of("RELAY_SECRETS_KEY", KEY_2, "RELAY_SECRETS_KEY_ID", "2", "RELAY_SECRETS_OLD_KEYS__1_", KEY_1), url);
        given().baseUri(base()).header("Authorization", TestTokens.bearer(ORG, "member@rotation.dev")).post("/api/v1/secrets/reseal")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().baseUri(base()).header("Authorization", ADMIN).post("/api/v1/secrets/reseal").then().statusCode(200)
                .body("key_id", equalTo("2")).body("resealed", equalTo(2)).body("remaining", equalTo(0));
        taskService.close();

        // key 1 dropped from the ring: what was sealed under it was moved, so it still opens
        taskService = start(Map.of("RELAY_SECRETS_KEY", KEY_2, "RELAY_SECRETS_KEY_ID", "2"), url);
        given().baseUri(base()).header("Authorization", ADMIN).post("/api/v1/secrets/reseal").then().statusCode(200)
                .body("key_id", equalTo("2")).body("resealed", equalTo(0)).body("remaining", equalTo(0));
        String taskId = given().baseUri(base()).header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body("{\"task\":\"tell me when done\",\"completion_delivery\":\"webhook\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.stream().anyMatch(message -> message.body().contains(taskId)));

        Received message = received.stream().filter(each -> each.body().contains(taskId)).findFirst().orElseThrow();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(signingSecret.substring("whsec_".length())), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((message.headers().get("webhook-id") + "."
                + message.headers().get("webhook-timestamp") + "." + message.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(message.headers().get("webhook-signature")).as("signed with the secret answered before the rotation").isEqualTo(expected);
    }

    private PackagedService start(Map<String, String> keys, String webhookUrl) {
        Map<String, String> env = new HashMap<>(keys);
        // the receiver listens on this machine's loopback, on a port of its own
        env.put("RELAY_EGRESS_ALLOW_CIDRS", "127.0.0.1/32");
        env.put("RELAY_EGRESS_ALLOWED_PORTS", String.valueOf(java.net.URI.create(webhookUrl).getPort()));
        env.put("RELAY_STREAM_SERVICE_URL", "http://127.0.0.1:1");
        // the admin's re-seal is what is checked: no background pass may move the values first
        env.put("RELAY_SECRETS_RESEAL_INTERVAL", "1h");
        return PackagedService.start("task-service", env);
    }

    private String base() {
        return taskService.uri("").toString();
    }

    private String startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            received.add(new Received(headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
    }
}
