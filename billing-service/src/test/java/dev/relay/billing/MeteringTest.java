package dev.relay.billing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.common.event.TaskEvent;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every usage report is counted once, however often it is delivered, and the budget and usage reads agree. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class MeteringTest {

    @Test
    void reportsDeliveredTwiceAreCountedOnce() {
        String org = "meter-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = TestBudgets.admin(org, "owner@" + org + ".dev");
        String member = TestTokens.bearer(org, "alice@" + org + ".dev");
        TestBudgets.putBudget(org, admin, "{\"windowKind\":\"individual\",\"baseAllowanceTokens\":10000,\"windowDays\":30}");
        List<TaskEvent> reports = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 40; i++) {
            String user = i % 2 == 0 ? "alice@" + org + ".dev" : "bob@" + org + ".dev";
            TaskEvent report = TestBudgets.usage(org, user, i % 4 == 0 ? "opus-4.5" : "sonnet-4.6", 100 + i, 20 + i);
            reports.add(report);
            total += 120 + 2L * i;
        }
        // another organization's usage does not count here
        TestBudgets.send(TestBudgets.usage("someone-else", "eve@else.dev", "sonnet-4.6", 5000, 5000));
        for (TaskEvent report : reports) {
            TestBudgets.send(report);
            TestBudgets.send(report);
        }

        long expected = total;
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", member)
                .get("/api/orgs/" + org + "/neo/token-budget").then().statusCode(200)
                .body("consumedTokens", equalTo((int) expected)));
        given().header("Authorization", admin).get("/api/v1/usage?groupBy=user").then().statusCode(200)
                .body("usage.size()", equalTo(2))
                .body("usage.neo_tokens.sum()", equalTo((int) expected));
        given().header("Authorization", admin).get("/api/v1/usage?groupBy=task").then().statusCode(200).body("usage.size()", equalTo(40));
        // a member sees its own usage by user and by task (not the others' emails or task ids), and the organization's by
        // day and model: alice's are the even reports, 120 + 2i tokens each
        given().header("Authorization", member).get("/api/v1/usage?groupBy=user").then().statusCode(200)
                .body("usage.group", equalTo(List.of("alice@" + org + ".dev")))
                .body("usage.neo_tokens.sum()", equalTo(20 * 120 + 2 * 380));
        given().header("Authorization", member).get("/api/v1/usage?groupBy=task").then().statusCode(200)
                .body("usage.size()", equalTo(20)).body("usage.neo_tokens.sum()", equalTo(20 * 120 + 2 * 380));
        given().header("Authorization", member).get("/api/v1/usage").then().statusCode(200)
                .body("usage.neo_tokens.sum()", equalTo((int) expected));
        given().header("Authorization", member).get("/api/v1/usage?groupBy=model").then().statusCode(200)
                .body("usage.find { it.group == 'opus-4.5' }.input_tokens", equalTo(100 + 104 + 108 + 112 + 116 + 120 + 124 + 128 + 132 + 136));
    }

    @Test
    void anExhaustedBudgetSaysSo() {
        String org = "spent-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = TestBudgets.admin(org, "owner@" + org + ".dev");
        TestBudgets.putBudget(org, admin, "{\"windowKind\":\"trial\",\"baseAllowanceTokens\":300,\"windowDays\":0}");
        TestBudgets.send(TestBudgets.usage(org, "owner@" + org + ".dev", "sonnet-4.6", 250, 60));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", admin)
                .get("/api/orgs/" + org + "/neo/token-budget").then().statusCode(200)
                .body("consumedTokens", equalTo(310)).body("exhausted", equalTo(true)));
        // a change of the budget keeps what the window consumed
        TestBudgets.putBudget(org, admin, "{\"windowKind\":\"trial\",\"baseAllowanceTokens\":1000,\"windowDays\":0}");
        given().header("Authorization", admin).get("/api/orgs/" + org + "/neo/token-budget").then()
                .body("consumedTokens", equalTo(310)).body("exhausted", equalTo(false));
    }
}
