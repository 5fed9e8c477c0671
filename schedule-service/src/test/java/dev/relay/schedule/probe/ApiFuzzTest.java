package dev.relay.schedule.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.schedule.TestSchedules;
import dev.relay.schedule.service.Schedules;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.probe.ApiFuzz;
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every documented operation of the schedule service, sent generated requests ({@link ApiFuzz}). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ApiFuzzTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    Schedules schedules;

    @Test
    void noGeneratedRequestGetsA5xxAHangAnUnexplained4xxOrALeak() {
        String user = "fuzzer-" + UUID.randomUUID() + "@fuzz.dev";
        List<String> ids = List.of(TestSchedules.daily(schedules, "fuzz", user).id.toString(),
                TestSchedules.daily(schedules, "fuzz", user).id.toString());
        List<ApiOperations.Operation> operations = ApiOperations.of(base);

        List<ApiFuzz.Finding> findings = new ApiFuzz(base, TestTokens.bearer("fuzz", user), Map.of("id", ids)::get, List.of())
                .run(operations, 300);

        assertThat(operations).hasSizeGreaterThanOrEqualTo(6);
        assertThat(findings).withFailMessage(() -> findings.size() + " requests broke a rule; the first 30:\n"
                + findings.stream().limit(30).map(String::valueOf).collect(Collectors.joining("\n"))).isEmpty();
    }
}
