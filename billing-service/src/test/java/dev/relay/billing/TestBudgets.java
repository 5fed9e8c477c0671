package dev.relay.billing;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.restassured.http.ContentType;

/** Admin tokens, budgets set through the API, and usage reports sent as the task service sends them. */
public final class TestBudgets {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TestBudgets() {
    }

    /** A token of an admin of {@code org}. */
    public static String admin(String org, String email) {
        return TestTokens.adminBearer(org, email);
    }

    public static void putBudget(String org, String adminToken, String body) {
        given().header("Authorization", adminToken).contentType(ContentType.JSON).body(body)
                .put("/api/orgs/" + org + "/neo/token-budget").then().statusCode(200);
    }

    /** A usage.reported task event of {@code user}'s task in {@code org}. */
    public static TaskEvent usage(String org, String user, String model, long input, long output) {
        var data = JsonNodeFactory.instance.objectNode().put("model", model).put("input_tokens", input).put("output_tokens", output)
                .put("total_tokens", input + output).put("user", user);
        return new TaskEvent(UUID.randomUUID(), UUID.randomUUID(), org, 3, UUID.randomUUID(), "usage.reported", Instant.now(), data);
    }

    public static void send(TaskEvent event) {
        try {
            TestTopics.send(Topics.TASK_EVENTS, event.taskId().toString(), JSON.writeValueAsString(event), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
