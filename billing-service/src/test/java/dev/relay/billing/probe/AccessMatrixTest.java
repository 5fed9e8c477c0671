package dev.relay.billing.probe;

import static dev.relay.testsupport.probe.AccessMatrix.Outcome.ALLOW;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_403;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.billing.TestBudgets;
import dev.relay.common.auth.ApiKeys;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.probe.AccessMatrix;
import dev.relay.testsupport.probe.AccessMatrix.Call;
import dev.relay.testsupport.probe.AccessMatrix.Credential;
import dev.relay.testsupport.probe.AccessMatrix.Principal;
import dev.relay.testsupport.probe.AnnouncedApiKeys;
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Who may call each operation of the billing service ({@link AccessMatrix}): the "creator" is an admin of the
 * organization; a member reads the budget but changes nothing (403); another organization gets 404.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AccessMatrixTest {

    private static final String ORG = "matrix";

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyCallerGetsWhatTheMatrixSaysOnEveryOperation() {
        String adminEmail = "admin-" + UUID.randomUUID() + "@matrix.dev";
        String admin = TestBudgets.admin(ORG, adminEmail);
        Map<Principal, Credential> callers = new EnumMap<>(AccessMatrix.forgedTokens(ORG, adminEmail));
        callers.put(Principal.CREATOR, new Credential("Authorization", admin));
        callers.put(Principal.SAME_ORG_MEMBER, Credential.bearer(TestTokens.token(ORG, "member-" + UUID.randomUUID() + "@matrix.dev")));
        callers.put(Principal.ORG_ADMIN, new Credential("Authorization", TestBudgets.admin(ORG, "admin-" + UUID.randomUUID() + "@matrix.dev")));
        callers.put(Principal.OTHER_ORG_USER, Credential.bearer(TestBudgets.admin("elsewhere", adminEmail).substring("Bearer ".length())));
        // the creator's keys as the task service announces them: one live, one revoked
        AnnouncedApiKeys.Keys keys = AnnouncedApiKeys.liveAndRevoked(base, "/api/v1/usage", ApiKeys.HEADER, ORG, adminEmail,
                ApiKeys.generate(), ApiKeys.generate(), ApiKeys::hash);
        callers.put(Principal.CREATOR_API_KEY, new Credential(ApiKeys.HEADER, keys.live()));
        callers.put(Principal.REVOKED_API_KEY, new Credential(ApiKeys.HEADER, keys.revoked()));
        AccessMatrix matrix = new AccessMatrix(base, callers);
        // usage: every member reads its organization's (by user or task only its own: MeteringTest); another
        // organization's user reads its own organization's
        matrix.row("GET /api/v1/usage", Map.of(Principal.SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, ALLOW,
                Principal.OTHER_ORG_USER, ALLOW));
        matrix.row("GET /api/orgs/{org}/neo/token-budget", Map.of(Principal.SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW,
                Principal.CREATOR_API_KEY, ALLOW));
        // the organization's admins change its budget; an API key acts as its user but never as an admin
        for (String operation : List.of("PUT /api/orgs/{org}/neo/token-budget", "DELETE /api/orgs/{org}/neo/token-budget",
                "POST /api/orgs/{org}/neo/token-budget/bonuses", "PUT /api/orgs/{org}/neo/spending-caps/users/{email}",
                "PUT /api/orgs/{org}/neo/spending-caps/projects/{projectId}")) {
            matrix.row(operation, Map.of(Principal.SAME_ORG_MEMBER, DENY_403, Principal.ORG_ADMIN, ALLOW, Principal.CREATOR_API_KEY, DENY_403));
        }

        assertThat(matrix.unlisted(ApiOperations.of(base))).as("operations without a row in the matrix").isEmpty();
        assertThat(matrix.mismatches(operation -> {
            // every call finds a budget to read or change
            TestBudgets.putBudget(ORG, admin, "{\"windowKind\":\"individual\",\"baseAllowanceTokens\":100,\"windowDays\":30}");
            if (operation.equals("GET /api/v1/usage")) {
                return new Call("GET", "/api/v1/usage", null);
            }
            String[] parts = operation.split(" ");
            String path = parts[1].replace("{org}", ORG).replace("{email}", "someone@matrix.dev").replace("{projectId}", "p-1");
            String body = switch (parts[0] + " " + parts[1]) {
                case "PUT /api/orgs/{org}/neo/token-budget" -> "{\"windowKind\":\"trial\",\"baseAllowanceTokens\":50,\"windowDays\":7}";
                case "POST /api/orgs/{org}/neo/token-budget/bonuses" -> "{\"tokens\":5,\"expiresAt\":\"" + Instant.now().plusSeconds(600) + "\"}";
                default -> parts[1].contains("spending-caps") ? "{\"limitTokens\":10}" : null;
            };
            return new Call(parts[0], path, body);
        })).isEmpty();
    }
}
