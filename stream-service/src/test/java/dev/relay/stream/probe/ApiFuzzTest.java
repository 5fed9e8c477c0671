package dev.relay.stream.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.StreamLinkSigner;
import dev.relay.stream.TestEvents;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.probe.ApiFuzz;
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every documented operation of the stream service, sent generated requests ({@link ApiFuzz}). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ApiFuzzTest {

    private static final int CASES_PER_OPERATION = 300;
    private static final String LINK_SECRET = "relay-test-stream-link-secret";

    @TestHTTPResource("/")
    URI base;

    @Test
    void noGeneratedRequestGetsA5xxAHangAnUnexplained4xxOrALeak() {
        String token = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);
        StreamProbes run = StreamProbes.storedRun(token);
        Map<String, List<String>> known = Map.of(
                "org", List.of(TestEvents.ORG),
                "taskId", List.of(run.task().toString()),
                "streamId", List.of(run.stream().toString()));

        List<ApiOperations.Operation> operations = ApiOperations.of(base);
        String link = new StreamLinkSigner(LINK_SECRET).link(run.stream(), Instant.now().plusSeconds(600));
        List<ApiFuzz.Finding> findings = new ApiFuzz(base, token, known::get, List.of(LINK_SECRET, link.substring(link.indexOf("signature=") + 10)))
                .run(operations, CASES_PER_OPERATION);

        assertThat(operations).hasSizeGreaterThanOrEqualTo(3);
        assertThat(findings).withFailMessage(() -> findings.size() + " requests broke a rule; the first 30:\n"
                + findings.stream().limit(30).map(String::valueOf).collect(Collectors.joining("\n"))).isEmpty();
    }
}
