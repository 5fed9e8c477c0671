package dev.relay.task.probe;

import static dev.relay.testsupport.probe.AccessMatrix.Outcome.ALLOW;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_403;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_404;
import static dev.relay.testsupport.probe.AccessMatrix.Principal.SAME_ORG_MEMBER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.ApiKeys;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.probe.AccessMatrix;
import dev.relay.testsupport.probe.AccessMatrix.Call;
import dev.relay.testsupport.probe.AccessMatrix.Credential;
import dev.relay.testsupport.probe.AccessMatrix.Principal;
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Who may call each operation of the task service that names an organization or an id ({@link AccessMatrix}). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AccessMatrixTest {

    private static final String ORG = "matrix";
    private static final String WEBHOOK_URL = "http://127.0.0.1:" + dev.relay.testsupport.FreePorts.next() + "/hook";

    @TestHTTPResource("/")
    URI base;

    private final String creator = "creator-" + UUID.randomUUID() + "@matrix.dev";
    private final String creatorToken = TestTokens.token(ORG, creator);
    private final String adminToken = TestTokens.adminToken(ORG, "admin-" + UUID.randomUUID() + "@matrix.dev");

    @Test
    void everyCallerGetsWhatTheMatrixSaysOnEveryOperationThatNamesAnOrganizationOrAnId() {
        Map<Principal, Credential> callers = new EnumMap<>(AccessMatrix.forgedTokens(ORG, creator));
        callers.put(Principal.CREATOR, Credential.bearer(creatorToken));
        callers.put(SAME_ORG_MEMBER, Credential.bearer(TestTokens.token(ORG, "member-" + UUID.randomUUID() + "@matrix.dev")));
        callers.put(Principal.ORG_ADMIN, Credential.bearer(adminToken));
        callers.put(Principal.CREATOR_API_KEY, new Credential(ApiKeys.HEADER, key().path("key")));
        callers.put(Principal.OTHER_ORG_USER, Credential.bearer(TestTokens.token("elsewhere", creator)));
        callers.put(Principal.REVOKED_API_KEY, new Credential(ApiKeys.HEADER, revokedKey()));
        AccessMatrix matrix = new AccessMatrix(base, callers)
                // continuing a task by the id in the body (the Neo create) is the creator's alone, as its path is
                .row("POST /api/v1/tasks", creatorsOnly())
                // a member of the organization may create and list its tasks, but a private task is the creator's (and
                // its API key's), not its colleagues' nor its admins'
                .row("POST /api/preview/agents/{org}/tasks", organizationsMembers())
                .row("GET /api/preview/agents/{org}/tasks", organizationsMembers())
                .row("GET /api/preview/agents/{org}/tasks/{taskId}", creatorsOnly())
                .row("POST /api/preview/agents/{org}/tasks/{taskId}", creatorsOnly())
                .row("PATCH /api/preview/agents/{org}/tasks/{taskId}", creatorsOnly())
                .row("POST /api/preview/agents/{org}/tasks/{taskId}/cancel", creatorsOnly())
                .row("GET /api/v1/tasks/{id}", creatorsOnly())
                .row("GET /api/v1/tasks/{id}/artifacts", creatorsOnly())
                // API keys are their user's alone, even within the organization
                .row("DELETE /api/v1/api-keys/{id}", Map.of(SAME_ORG_MEMBER, DENY_404, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, ALLOW))
                // every caller makes its own keys, but not with a key; an admin lists everyone's (all=true)
                .row("POST /api/v1/api-keys", Map.of(SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, DENY_403,
                        Principal.OTHER_ORG_USER, ALLOW))
                .row("GET /api/v1/api-keys", everyMember())
                // the organization's settings: only its admins change its secrets and its webhook or read the webhook's
                // delivery log (it names every member's tasks); members list the secrets' names and see the webhook's URL.
                // An API key is its user's, never an admin's. Another organization's caller acts on its own organization.
                .row("DELETE /api/v1/secrets/{name}", adminOnly(DENY_403))
                .row("POST /api/v1/secrets", adminOnly(DENY_403))
                .row("POST /api/v1/secrets/reseal", adminOnly(DENY_403))
                .row("GET /api/v1/secrets", everyMember())
                .row("PUT /api/v1/webhook", adminOnly(DENY_403))
                .row("DELETE /api/v1/webhook", adminOnly(DENY_403))
                .row("GET /api/v1/webhook/deliveries", adminOnly(DENY_403))
                .row("GET /api/v1/webhook", Map.of(SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, ALLOW))
                // the limit of runs at once: admins set it, every member sees it (another organization's caller its own)
                .row("PUT /api/v1/run-queue", adminOnly(DENY_403))
                .row("DELETE /api/v1/run-queue", adminOnly(DENY_403))
                .row("GET /api/v1/run-queue", everyMember());

        List<ApiOperations.Operation> operations = ApiOperations.of(base);
        assertThat(matrix.unlisted(operations)).as("operations without a row in the matrix").isEmpty();
        assertThat(matrix.mismatches(this::call)).isEmpty();
    }

    /** Only the organization's admin is served; {@code otherOrg}: what another organization's user gets. */
    private static Map<Principal, AccessMatrix.Outcome> adminOnly(AccessMatrix.Outcome otherOrg) {
        return Map.of(Principal.CREATOR, DENY_403, SAME_ORG_MEMBER, DENY_403, Principal.CREATOR_API_KEY, DENY_403,
                Principal.ORG_ADMIN, ALLOW, Principal.OTHER_ORG_USER, otherOrg);
    }

    /** The creator's own (its API key too): the organization's other members and its admins get a 404. */
    private static Map<Principal, AccessMatrix.Outcome> creatorsOnly() {
        return Map.of(SAME_ORG_MEMBER, DENY_404, Principal.ORG_ADMIN, DENY_404, Principal.CREATOR_API_KEY, ALLOW);
    }

    /** Every caller of the organization is served (another organization's user: the default 404 of its path). */
    private static Map<Principal, AccessMatrix.Outcome> organizationsMembers() {
        return Map.of(SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, ALLOW);
    }

    private static Map<Principal, AccessMatrix.Outcome> everyMember() {
        return Map.of(SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, ALLOW, Principal.OTHER_ORG_USER, ALLOW);
    }

    /** A fresh call of {@code operation} on something the creator owns. */
    private Call call(String operation) {
        String agents = "/api/preview/agents/" + ORG + "/tasks";
        return switch (operation) {
            case "POST /api/preview/agents/{org}/tasks" -> new Call("POST", agents, "{\"message\":{\"type\":\"user_message\",\"content\":\"hi\"}}");
            case "GET /api/preview/agents/{org}/tasks" -> new Call("GET", agents, null);
            case "GET /api/preview/agents/{org}/tasks/{taskId}" -> new Call("GET", agents + "/" + task(), null);
            case "POST /api/preview/agents/{org}/tasks/{taskId}" -> new Call("POST", agents + "/" + task(),
                    "{\"event\":{\"type\":\"user_message\",\"content\":\"more\"}}");
            case "PATCH /api/preview/agents/{org}/tasks/{taskId}" -> new Call("PATCH", agents + "/" + task(), "{\"name\":\"renamed\"}");
            case "POST /api/preview/agents/{org}/tasks/{taskId}/cancel" -> new Call("POST", agents + "/" + task() + "/cancel", "{\"force\":false}");
            // a run still working answers the creator 409 (task_busy): served, as the matrix counts it
            case "POST /api/v1/tasks" -> new Call("POST", "/api/v1/tasks", "{\"id\":\"" + task() + "\",\"task\":\"more\",\"response_format\":\"json\"}");
            case "GET /api/v1/tasks/{id}" -> new Call("GET", "/api/v1/tasks/" + task(), null);
            case "GET /api/v1/tasks/{id}/artifacts" -> new Call("GET", "/api/v1/tasks/" + task() + "/artifacts", null);
            case "DELETE /api/v1/api-keys/{id}" -> new Call("DELETE", "/api/v1/api-keys/" + key().path("id"), null);
            case "POST /api/v1/api-keys" -> new Call("POST", "/api/v1/api-keys", "{\"name\":\"matrix\"}");
            case "GET /api/v1/api-keys" -> new Call("GET", "/api/v1/api-keys", null);
            case "DELETE /api/v1/secrets/{name}" -> new Call("DELETE", "/api/v1/secrets/" + secret(), null);
            case "POST /api/v1/secrets" -> new Call("POST", "/api/v1/secrets", "{\"name\":\"MATRIX_NEW\",\"value\":\"v\",\"hosts\":[\"api.example.com\"]}");
            case "GET /api/v1/secrets" -> new Call("GET", "/api/v1/secrets", null);
            case "POST /api/v1/secrets/reseal" -> new Call("POST", "/api/v1/secrets/reseal", null);
            // a closed loopback port: the matrix's completions are never sent anywhere else
            case "PUT /api/v1/webhook" -> new Call("PUT", "/api/v1/webhook", "{\"url\":\"" + WEBHOOK_URL + "\"}");
            case "DELETE /api/v1/webhook" -> webhookThen(new Call("DELETE", "/api/v1/webhook", null));
            case "GET /api/v1/webhook" -> webhookThen(new Call("GET", "/api/v1/webhook", null));
            case "GET /api/v1/webhook/deliveries" -> new Call("GET", "/api/v1/webhook/deliveries", null);
            case "PUT /api/v1/run-queue" -> new Call("PUT", "/api/v1/run-queue", "{\"max_active_runs\":16}");
            case "DELETE /api/v1/run-queue" -> new Call("DELETE", "/api/v1/run-queue", null);
            case "GET /api/v1/run-queue" -> new Call("GET", "/api/v1/run-queue", null);
            default -> throw new IllegalArgumentException("no call for " + operation);
        };
    }

    private String task() {
        return given().header("Authorization", "Bearer " + creatorToken).contentType(ContentType.JSON)
                .body("{\"task\":\"a private task\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    private io.restassured.response.ExtractableResponse<io.restassured.response.Response> key() {
        return given().header("Authorization", "Bearer " + creatorToken).contentType(ContentType.JSON).body("{\"name\":\"matrix\"}")
                .post("/api/v1/api-keys").then().statusCode(201).extract();
    }

    /** {@code call}, once the organization has a webhook. */
    private Call webhookThen(Call call) {
        given().header("Authorization", "Bearer " + adminToken).contentType(ContentType.JSON).body("{\"url\":\"" + WEBHOOK_URL + "\"}")
                .put("/api/v1/webhook").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        return call;
    }

    private String secret() {
        String name = "MATRIX_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
        given().header("Authorization", "Bearer " + adminToken).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"value\":\"v\",\"hosts\":[\"api.example.com\"]}").post("/api/v1/secrets").then().statusCode(201);
        return name;
    }

    private String revokedKey() {
        var key = key();
        given().header("Authorization", "Bearer " + creatorToken).delete("/api/v1/api-keys/" + key.path("id")).then().statusCode(204);
        return key.path("key");
    }
}
