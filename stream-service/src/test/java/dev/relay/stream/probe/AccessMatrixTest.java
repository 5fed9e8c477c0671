package dev.relay.stream.probe;

import static dev.relay.testsupport.probe.AccessMatrix.Outcome.ALLOW;
import static dev.relay.testsupport.probe.AccessMatrix.Outcome.DENY_404;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.ApiKeys;
import dev.relay.common.auth.StreamLinkSigner;
import dev.relay.stream.TestEvents;
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

/** Who may call each operation of the stream service that names an organization or an id ({@link AccessMatrix}). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AccessMatrixTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyCallerGetsWhatTheMatrixSaysOnEveryOperationThatNamesAnOrganizationOrAnId() {
        String creator = TestEvents.ALICE;
        String org = TestEvents.ORG;
        StreamProbes run = StreamProbes.storedRun(TestTokens.bearer(org, creator));
        Map<Principal, AccessMatrix.Outcome> anyone = new EnumMap<>(Principal.class);
        for (Principal principal : Principal.values()) {
            anyone.put(principal, ALLOW);
        }
        Map<Principal, Credential> callers = new EnumMap<>(AccessMatrix.forgedTokens(org, creator));
        callers.put(Principal.CREATOR, Credential.bearer(TestTokens.token(org, creator)));
        callers.put(Principal.SAME_ORG_MEMBER, Credential.bearer(TestTokens.token(org, "member-" + UUID.randomUUID() + "@acme.dev")));
        callers.put(Principal.ORG_ADMIN, Credential.bearer(TestTokens.adminToken(org, "admin-" + UUID.randomUUID() + "@acme.dev")));
        callers.put(Principal.OTHER_ORG_USER, Credential.bearer(TestTokens.token("elsewhere", creator)));
        // the creator's keys as the task service announces them: one live, one revoked
        AnnouncedApiKeys.Keys keys = AnnouncedApiKeys.liveAndRevoked(base, "/api/preview/agents/" + org + "/tasks/" + run.task() + "/events",
                ApiKeys.HEADER, org, creator, ApiKeys.generate(), ApiKeys.generate(), ApiKeys::hash);
        callers.put(Principal.CREATOR_API_KEY, new Credential(ApiKeys.HEADER, keys.live()));
        callers.put(Principal.REVOKED_API_KEY, new Credential(ApiKeys.HEADER, keys.revoked()));
        Map<Principal, AccessMatrix.Outcome> creatorsOnly = Map.of(Principal.SAME_ORG_MEMBER, DENY_404, Principal.ORG_ADMIN, DENY_404,
                Principal.CREATOR_API_KEY, ALLOW);
        AccessMatrix matrix = new AccessMatrix(base, callers)
                // a private task's events are its creator's (and its API key's), not its colleagues' nor its admins'
                .row("GET /api/preview/agents/{org}/tasks/{taskId}/events", creatorsOnly)
                .row("GET /api/preview/agents/{org}/tasks/{taskId}/events/stream", creatorsOnly)
                // a signed link is the credential, as a presigned URL is: whoever holds it reads the run until it expires
                .row("GET /api/v1/streams/{streamId}/content", anyone);

        List<ApiOperations.Operation> operations = ApiOperations.of(base);
        assertThat(matrix.unlisted(operations)).as("operations without a row in the matrix").isEmpty();
        String link = new StreamLinkSigner("relay-test-stream-link-secret").link(run.stream(), Instant.now().plusSeconds(600));
        assertThat(matrix.mismatches(operation -> switch (operation) {
            case "GET /api/preview/agents/{org}/tasks/{taskId}/events" -> new Call("GET", "/api/preview/agents/" + org + "/tasks/" + run.task() + "/events", null);
            case "GET /api/preview/agents/{org}/tasks/{taskId}/events/stream" -> new Call("GET", "/api/preview/agents/" + org + "/tasks/" + run.task() + "/events/stream?after=0", null);
            case "GET /api/v1/streams/{streamId}/content" -> new Call("GET", URI.create(link).getRawPath() + "?" + URI.create(link).getRawQuery(), null);
            default -> throw new IllegalArgumentException("no call for " + operation);
        })).isEmpty();
    }
}
