package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The packaged task and billing services: an admin sets a budget on the billing service; tasks run on the task
 * service until their metered usage used it up; the next create is refused with 402 insufficient_neo_credits, and
 * the budget reads exhausted. Nothing but Kafka connects the two services.
 */
class BudgetEndToEndIT {

    private static final String ORG = "budget-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String USER = "owner@" + ORG + ".dev";
    private static final long ALLOWANCE = 600;
    private static PackagedService taskService;
    private static PackagedService billing;

    @BeforeAll
    static void startServices() {
        // independent of each other: started side by side
        var billingStarting = java.util.concurrent.CompletableFuture.supplyAsync(() -> PackagedService.start("billing-service", Map.of()));
        taskService = PackagedService.start("task-service", Map.of());
        billing = billingStarting.join();
    }

    @AfterAll
    static void stopServices() {
        if (taskService != null) {
            taskService.close();
        }
        if (billing != null) {
            billing.close();
        }
    }

    private static String admin() {
        Map<String, Object> claims = TestTokens.claims(ORG, USER);
        claims.put("groups", List.of("user", "admin"));
        return "Bearer " + TestTokens.signed(claims);
    }

    private static Response create(String token) {
        return given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"Check the TLS configuration of example.com\",\"response_format\":\"json\"}")
                .post(taskService.uri("/api/v1/tasks"));
    }

    @Test
    void tasksRunUntilTheBudgetIsUsedUpThenCreatesAreRefused() {
        String admin = admin();
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"windowKind\":\"trial\",\"baseAllowanceTokens\":" + ALLOWANCE + ",\"windowDays\":30}")
                .put(billing.uri("/api/orgs/" + ORG + "/neo/token-budget")).then().statusCode(200).body("exhausted", equalTo(false));

        int ran = 0;
        Response refused = null;
        String stoppedForBudget = null;
        for (int attempt = 0; attempt < 40 && refused == null && stoppedForBudget == null; attempt++) {
            Response created = create(admin);
            if (created.statusCode() == 402) {
                refused = created;
                break;
            }
            assertThat(created.statusCode()).isEqualTo(202);
            String taskId = created.path("task_id");
            // a run's reply is bounded by what is left: the last admitted run may find no room for even its prompt
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", admin)
                    .get(taskService.uri("/api/v1/tasks/" + taskId)).then().body("task.status", oneOf("completed", "error")));
            if ("error".equals(given().header("Authorization", admin).get(taskService.uri("/api/v1/tasks/" + taskId)).path("task.status"))) {
                stoppedForBudget = taskId;
            }
            ran++;
        }

        assertThat(refused != null || stoppedForBudget != null).as("a create refused or a run stopped for the budget within 40 tasks")
                .isTrue();
        assertThat(ran).isGreaterThan(1);
        System.out.printf("[figures] budget of %d Neo tokens: %d tasks ran, then %s%n", ALLOWANCE, ran,
                refused != null ? "the next create was refused" : "the last run had no room for its reply");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat((int) given().header("Authorization", admin)
                .get(billing.uri("/api/orgs/" + ORG + "/neo/token-budget")).then().statusCode(200).extract().path("consumedTokens"))
                .isGreaterThan((int) ALLOWANCE / 2));
        int consumed = given().header("Authorization", admin).get(billing.uri("/api/orgs/" + ORG + "/neo/token-budget"))
                .then().extract().path("consumedTokens");
        // every model call is bounded by what the budget has room for: no overshoot
        assertThat(consumed).isLessThanOrEqualTo((int) ALLOWANCE);
        if (refused == null) {
            return; // the window has a few tokens left, fewer than a prompt: runs are admitted and stop at their call
        }
        refused.then().body("code", equalTo("insufficient_neo_credits")).body("kind", equalTo("payment required"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", admin)
                .get(billing.uri("/api/orgs/" + ORG + "/neo/token-budget")).then().statusCode(200).body("exhausted", equalTo(true)));
        // and it stays refused
        create(admin).then().statusCode(402).body("code", equalTo("insufficient_neo_credits"));
        // a streaming create is refused the same way, as a plain 402 before any event
        given().header("Authorization", admin).contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"task\":\"one more\"}").post(taskService.uri("/api/v1/tasks"))
                .then().statusCode(402).contentType(ContentType.JSON).body("code", equalTo("insufficient_neo_credits"));
    }
}
