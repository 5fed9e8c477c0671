package dev.relay.schedule.probe;

import static dev.relay.testsupport.probe.AccessMatrix.Outcome.ALLOW;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_404;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.ApiKeys;
import dev.relay.schedule.TestSchedules;
import dev.relay.schedule.service.Schedules;
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

/** Who may call each operation of the schedule service ({@link AccessMatrix}): a schedule is its creator's only. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AccessMatrixTest {

    private static final String ORG = "matrix";

    @TestHTTPResource("/")
    URI base;
    @Inject
    Schedules schedules;

    @Test
    void everyCallerGetsWhatTheMatrixSaysOnEveryOperation() {
        String creator = "creator-" + UUID.randomUUID() + "@matrix.dev";
        Map<Principal, Credential> callers = new EnumMap<>(AccessMatrix.forgedTokens(ORG, creator));
        callers.put(Principal.CREATOR, Credential.bearer(TestTokens.token(ORG, creator)));
        callers.put(Principal.SAME_ORG_MEMBER, Credential.bearer(TestTokens.token(ORG, "member-" + UUID.randomUUID() + "@matrix.dev")));
        callers.put(Principal.ORG_ADMIN, Credential.bearer(TestTokens.adminToken(ORG, "admin-" + UUID.randomUUID() + "@matrix.dev")));
        callers.put(Principal.OTHER_ORG_USER, Credential.bearer(TestTokens.token("elsewhere", creator)));
        // the creator's keys as the task service announces them: one live, one revoked
        AnnouncedApiKeys.Keys keys = AnnouncedApiKeys.liveAndRevoked(base, "/api/v1/schedules", ApiKeys.HEADER, ORG, creator,
                ApiKeys.generate(), ApiKeys.generate(), ApiKeys::hash);
        callers.put(Principal.CREATOR_API_KEY, new Credential(ApiKeys.HEADER, keys.live()));
        callers.put(Principal.REVOKED_API_KEY, new Credential(ApiKeys.HEADER, keys.revoked()));
        AccessMatrix matrix = new AccessMatrix(base, callers)
                // each user lists its own schedules; another organization's user lists its own (none of these)
                .row("GET /api/v1/schedules", Map.of(Principal.SAME_ORG_MEMBER, ALLOW, Principal.ORG_ADMIN, ALLOW,
                        Principal.CREATOR_API_KEY, ALLOW, Principal.OTHER_ORG_USER, ALLOW));
        // a schedule is its creator's (and its API key's): not its colleagues' nor its admins'
        for (String operation : List.of("GET /api/v1/schedules/{id}", "PATCH /api/v1/schedules/{id}", "POST /api/v1/schedules/{id}/pause",
                "POST /api/v1/schedules/{id}/resume", "POST /api/v1/schedules/{id}/trigger", "DELETE /api/v1/schedules/{id}")) {
            matrix.row(operation, Map.of(Principal.SAME_ORG_MEMBER, DENY_404, Principal.ORG_ADMIN, DENY_404, Principal.CREATOR_API_KEY, ALLOW));
        }

        assertThat(matrix.unlisted(ApiOperations.of(base))).as("operations without a row in the matrix").isEmpty();
        assertThat(matrix.mismatches(operation -> {
            if (operation.equals("GET /api/v1/schedules")) {
                return new Call("GET", "/api/v1/schedules", null);
            }
            String id = TestSchedules.daily(schedules, ORG, creator).id.toString();
            String[] parts = operation.split(" ");
            String body = operation.endsWith("/pause") ? "{\"note\":\"matrix\"}"
                    : operation.startsWith("PATCH") ? "{\"name\":\"renamed by the matrix\"}" : null;
            return new Call(parts[0], parts[1].replace("{id}", id), body);
        })).isEmpty();
    }
}
