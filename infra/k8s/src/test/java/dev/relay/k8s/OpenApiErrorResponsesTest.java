package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every service documents its errors the same way (the resources declare the responses every operation shares on
 * the class, the rest on the method): each operation that needs credentials a 401, and every error response Relay
 * describes with the seeds' {@code ErrorResponse} body. Reads the OpenAPI documents the services' builds store.
 */
class OpenApiErrorResponsesTest {

    private static final String ERROR_BODY = "#/components/schemas/ErrorResponse";

    @Test
    void everyOperationDocumentsItsErrorsWithTheSeedsErrorBody() {
        List<String> wrong = new ArrayList<>();
        int operations = 0;
        for (String service : Manifests.SERVICES) {
            JsonNode document = Manifests.openApi(service);
            for (var path = document.path("paths").fields(); path.hasNext();) {
                var entry = path.next();
                for (var operation = entry.getValue().fields(); operation.hasNext();) {
                    var method = operation.next();
                    operations++;
                    wrong.addAll(problems(service + " " + method.getKey().toUpperCase() + " " + entry.getKey(), method.getValue()));
                }
            }
        }
        assertThat(operations).isGreaterThan(25);
        assertThat(wrong).isEmpty();
    }

    @Test
    void anUndocumented401OrAnotherErrorBodyIsFound() {
        JsonNode operation = Manifests.documents("""
                security: [{BearerAuth: []}]
                responses:
                  "200": {description: OK}
                  "400": {description: Bad, content: {application/json: {schema: {$ref: "#/components/schemas/Other"}}}}
                  "401": {description: Not Authorized}
                """).get(0);
        assertThat(problems("GET /x", operation)).containsExactlyInAnyOrder(
                "GET /x: 400 does not answer the ErrorResponse body",
                "GET /x: 401 does not answer the ErrorResponse body");
        assertThat(problems("GET /y", Manifests.documents("""
                security: [{BearerAuth: []}]
                responses: {"200": {description: OK}}
                """).get(0))).containsExactly("GET /y: needs credentials but documents no 401");
    }

    private static List<String> problems(String name, JsonNode operation) {
        List<String> problems = new ArrayList<>();
        JsonNode responses = operation.path("responses");
        boolean secured = !operation.path("security").isEmpty();
        if (secured && !responses.has("401")) {
            problems.add(name + ": needs credentials but documents no 401");
        }
        responses.fields().forEachRemaining(response -> {
            String code = response.getKey();
            // Quarkus adds a bare 403 to every secured operation; an error Relay describes carries a body
            boolean described = response.getValue().has("content") || code.equals("401");
            if (code.startsWith("4") && described && !answersErrorBody(response.getValue())) {
                problems.add(name + ": " + code + " does not answer the ErrorResponse body");
            }
        });
        return problems;
    }

    private static boolean answersErrorBody(JsonNode response) {
        JsonNode content = response.path("content");
        if (content.isEmpty()) {
            return false;
        }
        for (JsonNode media : content) {
            if (!ERROR_BODY.equals(media.path("schema").path("$ref").asText())) {
                return false;
            }
        }
        return true;
    }
}
