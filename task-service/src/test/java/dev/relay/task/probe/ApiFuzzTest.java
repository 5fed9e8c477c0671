package dev.relay.task.probe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.probe.ApiFuzz;
import dev.relay.testsupport.probe.ApiOperations;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every documented operation of the task service, sent generated requests ({@link ApiFuzz}). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ApiFuzzTest {

    private static final int CASES_PER_OPERATION = 300;

    @TestHTTPResource("/")
    URI base;

    @Test
    void noGeneratedRequestGetsA5xxAHangAnUnexplained4xxOrALeak() {
        String org = "fuzz";
        String token = TestTokens.bearer(org, "fuzzer-" + UUID.randomUUID() + "@fuzz.dev");
        String taskId = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"a task to fuzz\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        var key = given().header("Authorization", token).contentType(ContentType.JSON).body("{\"name\":\"planted\"}")
                .post("/api/v1/api-keys").then().statusCode(201).extract();
        Map<String, List<String>> known = Map.of(
                "org", List.of(org),
                "taskId", List.of(taskId),
                "id", List.of(taskId, key.path("id")));

        List<ApiOperations.Operation> operations = ApiOperations.of(base);
        List<ApiFuzz.Finding> findings = new ApiFuzz(base, token, known::get,
                List.of(key.path("key"), "relay-test-stream-link-secret")).run(operations, CASES_PER_OPERATION);

        assertThat(operations).hasSizeGreaterThanOrEqualTo(10);
        assertThat(findings).withFailMessage(() -> findings.size() + " requests broke a rule; the first 30:\n"
                + findings.stream().limit(30).map(String::valueOf).collect(Collectors.joining("\n"))).isEmpty();
    }
}
