package dev.relay.billing.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.relay.billing.TestBudgets;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.probe.ApiFuzz;
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every documented operation of the billing service, sent generated requests ({@link ApiFuzz}) by an admin. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ApiFuzzTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void noGeneratedRequestGetsA5xxAHangAnUnexplained4xxOrALeak() {
        String org = "fuzz";
        String admin = TestBudgets.admin(org, "fuzzer-" + UUID.randomUUID() + "@fuzz.dev");
        List<ApiOperations.Operation> operations = ApiOperations.of(base);
        Map<String, List<String>> ids = Map.of("org", List.of(org), "email", List.of("someone@fuzz.dev"),
                "projectId", List.of(UUID.randomUUID().toString()));

        // the admin token carries "Bearer " already: ApiFuzz wants the header value
        List<ApiFuzz.Finding> findings = new ApiFuzz(base, admin, ids::get, List.of()).run(operations, 300);

        assertThat(operations).hasSizeGreaterThanOrEqualTo(7);
        assertThat(findings).withFailMessage(() -> findings.size() + " requests broke a rule; the first 30:\n"
                + findings.stream().limit(30).map(String::valueOf).collect(Collectors.joining("\n"))).isEmpty();
    }
}
