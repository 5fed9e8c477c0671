package dev.relay.schedule.probe;

import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_404;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
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
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Who may call each operation of the schedule service that names an id ({@link AccessMatrix}): the creator only. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AccessMatrixTest {

    private static final String ORG = "matrix";

    @TestHTTPResource("/")
    URI base;
    @Inject
    Schedules schedules;

    @Test
    void everyCallerGetsWhatTheMatrixSaysOnEveryOperationThatNamesAnId() {
        String creator = "creator-" + UUID.randomUUID() + "@matrix.dev";
        AccessMatrix matrix = new AccessMatrix(base, Map.of(
                Principal.CREATOR, Credential.bearer(TestTokens.token(ORG, creator)),
                Principal.SAME_ORG_MEMBER, Credential.bearer(TestTokens.token(ORG, "member-" + UUID.randomUUID() + "@matrix.dev")),
                Principal.OTHER_ORG_USER, Credential.bearer(TestTokens.token("elsewhere", creator)),
                Principal.EXPIRED_TOKEN, Credential.bearer(TestTokens.expired(ORG, creator, Duration.ofSeconds(30))),
                Principal.ALG_NONE_TOKEN, Credential.bearer(TestTokens.unsigned(ORG, creator)),
                Principal.HS256_PUBLIC_KEY_TOKEN, Credential.bearer(TestTokens.hs256WithPublicKey(ORG, creator)),
                Principal.WRONG_ISSUER_TOKEN, Credential.bearer(TestTokens.wrongIssuer(ORG, creator)),
                // a key this service never heard of is refused like a revoked one (revocation itself: ApiKeyTest)
                Principal.REVOKED_API_KEY, new Credential(ApiKeys.HEADER, ApiKeys.generate())));
        for (String operation : List.of("GET /api/v1/schedules/{id}", "PATCH /api/v1/schedules/{id}", "POST /api/v1/schedules/{id}/pause",
                "POST /api/v1/schedules/{id}/resume", "POST /api/v1/schedules/{id}/trigger", "DELETE /api/v1/schedules/{id}")) {
            matrix.row(operation, Map.of(Principal.SAME_ORG_MEMBER, DENY_404));
        }

        assertThat(matrix.unlisted(ApiOperations.of(base))).as("operations without a row in the matrix").isEmpty();
        assertThat(matrix.mismatches(operation -> {
            String id = TestSchedules.daily(schedules, ORG, creator).id.toString();
            String[] parts = operation.split(" ");
            String body = operation.endsWith("/pause") ? "{\"note\":\"matrix\"}"
                    : operation.startsWith("PATCH") ? "{\"name\":\"renamed by the matrix\"}" : null;
            return new Call(parts[0], parts[1].replace("{id}", id), body);
        })).isEmpty();
    }
}
