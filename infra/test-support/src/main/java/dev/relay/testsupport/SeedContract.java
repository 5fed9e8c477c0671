package dev.relay.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

/**
 * The seeds' OpenAPI documents ({@code seed-openapi/} on the classpath) applied to answers: a JSON body answered to an
 * operation they describe, with a status they document, must keep that status's schema.
 */
public final class SeedContract {

    static final List<String> DOCUMENTS = List.of(
            "seed-openapi/000-create-task.yaml",
            "seed-openapi/001-task-details.yaml",
            "seed-openapi/004-pulumi-neo.transcribed.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SeedContract SEEDS = new SeedContract(DOCUMENTS.stream().map(SeedContract::read).toList());

    private final List<Operation> operations;

    SeedContract(List<JsonNode> documents) {
        // the documents' own keywords beside the schemas; nullable is honoured by the validator (config below)
        JsonMetaSchema dialect = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .keywords(List.of(new NonValidationKeyword("components"), new NonValidationKeyword("example"),
                        new NonValidationKeyword("nullable")))
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(dialect).defaultMetaSchemaIri(dialect.getIri()));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true)
                .nullableKeywordEnabled(true).build();
        List<Operation> found = new ArrayList<>();
        for (JsonNode document : documents) {
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fields().forEachRemaining(method -> found.add(new Operation(
                        method.getKey().toUpperCase(Locale.ROOT), path.getKey(), template(path.getKey()),
                        schemas(method.getValue().path("responses"), document, factory, config))));
            }
        }
        this.operations = List.copyOf(found);
    }

    /** The seeds' documents as shipped in {@code seed-openapi/}. */
    public static SeedContract seeds() {
        return SEEDS;
    }

    /** Whether {@code method path} is an operation the documents describe. */
    public boolean describes(String method, String path) {
        return operation(method, path).isPresent();
    }

    /**
     * What is wrong with {@code body}, answered with {@code status} to {@code method path}: empty when it keeps the
     * documented schema, or when the operation, the status or a JSON body is not documented.
     */
    public List<String> problems(String method, String path, int status, String contentType, String body) {
        Optional<Operation> operation = operation(method, path);
        if (operation.isEmpty() || contentType == null || !contentType.startsWith("application/json")) {
            return List.of();
        }
        JsonSchema schema = operation.get().schema(status);
        if (schema == null) {
            return List.of();
        }
        try {
            return schema.validate(JSON.readTree(body)).stream()
                    .map(message -> operation.get().key() + " " + status + ": " + message.getMessage()).toList();
        } catch (JsonProcessingException e) {
            return List.of(operation.get().key() + " " + status + ": the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private Optional<Operation> operation(String method, String path) {
        return operations.stream()
                .filter(operation -> operation.method().equals(method) && operation.pattern().matcher(path).matches())
                .findFirst();
    }

    private static Pattern template(String path) {
        return Pattern.compile(Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
    }

    private static JsonNode read(String resource) {
        try (InputStream in = SeedContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each documented status's JSON body schema, with the document's components alongside. */
    private static Map<Integer, JsonSchema> schemas(JsonNode responses, JsonNode document, JsonSchemaFactory factory,
            SchemaValidatorsConfig config) {
        Map<Integer, JsonSchema> schemas = new HashMap<>();
        responses.fields().forEachRemaining(response -> {
            JsonNode body = response.getValue().path("content").path("application/json").path("schema");
            if (!body.isMissingNode()) {
                ObjectNode schema = JSON.createObjectNode();
                schema.putArray("allOf").add(body.deepCopy());
                schema.set("components", document.path("components").deepCopy());
                schemas.put(Integer.parseInt(response.getKey()), factory.getSchema(schema, config));
            }
        });
        return Map.copyOf(schemas);
    }

    private record Operation(String method, String path, Pattern pattern, Map<Integer, JsonSchema> schemas) {

        String key() {
            return method + " " + path;
        }

        JsonSchema schema(int status) {
            return schemas.get(status);
        }
    }
}
