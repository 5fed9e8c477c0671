package dev.relay.task.probe;

import static dev.relay.testsupport.probe.AccessMatrix.Outcome.ALLOW;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_403;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_404;
import static dev.relay.testsupport.probe.AccessMatrix.Principal.SAME_ORG_MEMBER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
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

    @TestHTTPResource("/")
    URI base;

    private final String creator = "creator-" + UUID.randomUUID() + "@matrix.dev";
    private final String creatorToken = TestTokens.token(ORG, creator);

    @Test
    void everyCallerGetsWhatTheMatrixSaysOnEveryOperationThatNamesAnOrganizationOrAnId() {
        AccessMatrix matrix = new AccessMatrix(base, Map.of(
                Principal.CREATOR, Credential.bearer(creatorToken),
                SAME_ORG_MEMBER, Credential.bearer(TestTokens.token(ORG, "member-" + UUID.randomUUID() + "@matrix.dev")),
                Principal.OTHER_ORG_USER, Credential.bearer(TestTokens.token("elsewhere", creator)),
                Principal.EXPIRED_TOKEN, Credential.bearer(TestTokens.expired(ORG, creator, Duration.ofSeconds(30))),
                Principal.ALG_NONE_TOKEN, Credential.bearer(TestTokens.unsigned(ORG, creator)),
                Principal.HS256_PUBLIC_KEY_TOKEN, Credential.bearer(TestTokens.hs256WithPublicKey(ORG, creator)),
                Principal.WRONG_ISSUER_TOKEN, Credential.bearer(TestTokens.wrongIssuer(ORG, creator)),
                Principal.REVOKED_API_KEY, new Credential(ApiKeys.HEADER, revokedKey())))
                // a member of the organization may create and list its tasks, but a private task is the creator's
                .row("POST /api/preview/agents/{org}/tasks", Map.of(SAME_ORG_MEMBER, ALLOW))
                .row("GET /api/preview/agents/{org}/tasks", Map.of(SAME_ORG_MEMBER, ALLOW))
                .row("GET /api/preview/agents/{org}/tasks/{taskId}", Map.of(SAME_ORG_MEMBER, DENY_404))
                .row("POST /api/preview/agents/{org}/tasks/{taskId}", Map.of(SAME_ORG_MEMBER, DENY_404))
                .row("PATCH /api/preview/agents/{org}/tasks/{taskId}", Map.of(SAME_ORG_MEMBER, DENY_404))
                .row("POST /api/preview/agents/{org}/tasks/{taskId}/cancel", Map.of(SAME_ORG_MEMBER, DENY_404))
                .row("GET /api/v1/tasks/{id}", Map.of(SAME_ORG_MEMBER, DENY_404))
                .row("GET /api/v1/tasks/{id}/artifacts", Map.of(SAME_ORG_MEMBER, DENY_404))
                // API keys are their user's alone, even within the organization
                .row("DELETE /api/v1/api-keys/{id}", Map.of(SAME_ORG_MEMBER, DENY_404))
                // secrets are the organization's: any member may replace or delete one
                .row("DELETE /api/v1/secrets/{name}", Map.of(SAME_ORG_MEMBER, ALLOW));

        List<ApiOperations.Operation> operations = ApiOperations.of(base);
        assertThat(matrix.unlisted(operations)).as("operations without a row in the matrix").isEmpty();
        assertThat(matrix.mismatches(this::call)).isEmpty();
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
            case "GET /api/v1/tasks/{id}" -> new Call("GET", "/api/v1/tasks/" + task(), null);
            case "GET /api/v1/tasks/{id}/artifacts" -> new Call("GET", "/api/v1/tasks/" + task() + "/artifacts", null);
            case "DELETE /api/v1/api-keys/{id}" -> new Call("DELETE", "/api/v1/api-keys/" + key().path("id"), null);
            case "DELETE /api/v1/secrets/{name}" -> new Call("DELETE", "/api/v1/secrets/" + secret(), null);
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

    private String secret() {
        String name = "MATRIX_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
        given().header("Authorization", "Bearer " + creatorToken).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"value\":\"v\",\"hosts\":[\"api.example.com\"]}").post("/api/v1/secrets").then().statusCode(201);
        return name;
    }

    private String revokedKey() {
        var key = key();
        given().header("Authorization", "Bearer " + creatorToken).delete("/api/v1/api-keys/" + key.path("id")).then().statusCode(204);
        return key.path("key");
    }
}
