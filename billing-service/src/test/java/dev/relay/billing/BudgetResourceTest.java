package dev.relay.billing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The token budget: read by members (404 without a cap), changed by the organization's admins only. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class BudgetResourceTest {

    private final String org = "org-" + UUID.randomUUID().toString().substring(0, 8);
    private final String admin = TestBudgets.admin(org, "owner@" + org + ".dev");
    private final String member = TestTokens.bearer(org, "member@" + org + ".dev");

    private String path() {
        return "/api/orgs/" + org + "/neo/token-budget";
    }

    @Test
    void withoutACapTheBudgetIs404AndAnAdminSetsOne() {
        given().header("Authorization", member).get(path()).then().statusCode(404).body("code", equalTo("not_exists"));

        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"windowKind\":\"individual\",\"baseAllowanceTokens\":100000,\"windowDays\":30}")
                .put(path()).then().statusCode(200)
                .body("windowKind", equalTo("individual"))
                .body("baseAllowanceTokens", equalTo(100000))
                .body("effectiveAllowanceTokens", equalTo(100000))
                .body("consumedTokens", equalTo(0))
                .body("windowEnd", greaterThan((int) Instant.now().getEpochSecond()))
                .body("exhausted", equalTo(false));
        given().header("Authorization", member).get(path()).then().statusCode(200).body("baseAllowanceTokens", equalTo(100000));

        // a trial without resets: windowEnd 0
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"windowKind\":\"trial\",\"baseAllowanceTokens\":5000,\"windowDays\":0}")
                .put(path()).then().statusCode(200).body("windowKind", equalTo("trial")).body("windowEnd", equalTo(0));

        given().header("Authorization", admin).delete(path()).then().statusCode(204);
        given().header("Authorization", member).get(path()).then().statusCode(404);
    }

    @Test
    void onlyAdminsOfTheOrganizationChangeIt() {
        String body = "{\"windowKind\":\"individual\",\"baseAllowanceTokens\":10,\"windowDays\":7}";
        given().header("Authorization", member).contentType(ContentType.JSON).body(body).put(path()).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        given().header("Authorization", TestBudgets.admin("elsewhere", "owner@elsewhere.dev")).contentType(ContentType.JSON).body(body)
                .put(path()).then().statusCode(404);
        given().header("Authorization", member).contentType(ContentType.JSON).body("{\"limitTokens\":5}")
                .put("/api/orgs/" + org + "/neo/spending-caps/users/member@" + org + ".dev").then().statusCode(403);
        given().header("Authorization", member).contentType(ContentType.JSON)
                .body("{\"tokens\":5,\"expiresAt\":\"2099-01-01T00:00:00Z\"}")
                .post(path() + "/bonuses").then().statusCode(403);
        given().get(path()).then().statusCode(401);
    }

    @Test
    void activeBonusesRaiseTheEffectiveAllowance() {
        TestBudgets.putBudget(org, admin, "{\"windowKind\":\"individual\",\"baseAllowanceTokens\":1000,\"windowDays\":30}");
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"tokens\":250,\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"}")
                .post(path() + "/bonuses").then().statusCode(201).body("tokens", equalTo(250));

        given().header("Authorization", member).get(path()).then().statusCode(200)
                .body("baseAllowanceTokens", equalTo(1000)).body("effectiveAllowanceTokens", equalTo(1250));
    }

    @Test
    void capsAreSetPerUserAndPerProject() {
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"limitTokens\":0}")
                .put("/api/orgs/" + org + "/neo/spending-caps/users/dev@" + org + ".dev").then().statusCode(200)
                .body("scope", equalTo("user")).body("limitTokens", equalTo(0));
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"limitTokens\":7000}")
                .put("/api/orgs/" + org + "/neo/spending-caps/projects/" + UUID.randomUUID()).then().statusCode(200)
                .body("scope", equalTo("project")).body("limitTokens", equalTo(7000));
    }

    @Test
    void badInputIsA400NamingTheField() {
        for (String[] bad : List.of(
                new String[] {"{\"windowKind\":\"monthly\",\"baseAllowanceTokens\":10,\"windowDays\":7}", "windowKind"},
                new String[] {"{\"baseAllowanceTokens\":10,\"windowDays\":7}", "windowKind"},
                new String[] {"{\"windowKind\":\"trial\",\"baseAllowanceTokens\":-1,\"windowDays\":7}", "baseAllowanceTokens"},
                new String[] {"{\"windowKind\":\"trial\",\"baseAllowanceTokens\":1.5,\"windowDays\":7}", "baseAllowanceTokens"},
                new String[] {"{\"windowKind\":\"trial\",\"baseAllowanceTokens\":\"10\",\"windowDays\":7}", "baseAllowanceTokens"},
                new String[] {"{\"windowKind\":\"trial\",\"baseAllowanceTokens\":10,\"windowDays\":-7}", "windowDays"},
                new String[] {"{\"windowKind\":\"trial\",\"baseAllowanceTokens\":10}", "windowDays"})) {
            given().header("Authorization", admin).contentType(ContentType.JSON).body(bad[0]).put(path()).then().statusCode(400)
                    .body("code", equalTo("invalid_request")).body("message", containsString(bad[1]));
        }
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"tokens\":5,\"expiresAt\":\"2020-01-01T00:00:00Z\"}").post(path() + "/bonuses").then().statusCode(400)
                .body("message", containsString("expiresAt"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"tokens\":0,\"expiresAt\":\"2099-01-01T00:00:00Z\"}").post(path() + "/bonuses").then().statusCode(400)
                .body("message", containsString("tokens"));
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"limitTokens\":-5}")
                .put("/api/orgs/" + org + "/neo/spending-caps/users/x@y.dev").then().statusCode(400)
                .body("message", containsString("limitTokens"));
    }
}
