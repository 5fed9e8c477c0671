package dev.relay.testsupport.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** The operations a service documents in its OpenAPI document ({@code /q/openapi}), the list every probe covers. */
public final class ApiOperations {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    private ApiOperations() {
    }

    /** One documented operation: its method, path template, parameters and request body schema (refs resolved). */
    public record Operation(String method, String path, List<Parameter> parameters, JsonNode bodySchema, String bodyType) {

        public List<String> pathParameters() {
            List<String> names = new ArrayList<>();
            Matcher matcher = PATH_PARAMETER.matcher(path);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }

        /** Whether the path names an organization or a resource by id: what a caller may or may not reach. */
        public boolean idBearing() {
            return !pathParameters().isEmpty();
        }

        /** {@code "GET /api/v1/tasks/{id}"}. */
        public String key() {
            return method + " " + path;
        }

        public String path(Map<String, String> values) {
            String result = path;
            for (Map.Entry<String, String> value : values.entrySet()) {
                result = result.replace("{" + value.getKey() + "}", value.getValue());
            }
            return result;
        }
    }

    public record Parameter(String name, String in, JsonNode schema) {
    }

    /** Every operation of the service at {@code base}. */
    public static List<Operation> of(URI base) {
        JsonNode document = fetch(base.resolve("/q/openapi?format=json"));
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (method.getKey().equals("parameters")) {
                    continue;
                }
                operations.add(operation(document, path.getKey(), path.getValue(), method.getKey(), method.getValue()));
            }
        }
        return operations;
    }

    private static Operation operation(JsonNode document, String path, JsonNode pathItem, String method, JsonNode operation) {
        List<Parameter> parameters = new ArrayList<>();
        for (JsonNode list : List.of(pathItem.path("parameters"), operation.path("parameters"))) {
            for (JsonNode parameter : list) {
                JsonNode resolved = resolve(document, parameter);
                parameters.add(new Parameter(resolved.path("name").asText(), resolved.path("in").asText(),
                        inline(document, resolved.path("schema"), 0)));
            }
        }
        JsonNode content = operation.path("requestBody").path("content");
        String bodyType = content.fieldNames().hasNext() ? content.fieldNames().next() : null;
        JsonNode bodySchema = bodyType == null ? MissingNode.getInstance() : inline(document, content.path(bodyType).path("schema"), 0);
        return new Operation(method.toUpperCase(Locale.ROOT), path, parameters, bodySchema, bodyType);
    }

    /** A node with its {@code $ref} followed (one level; nested refs are followed as values are generated). */
    static JsonNode resolve(JsonNode document, JsonNode node) {
        JsonNode current = node;
        for (int depth = 0; depth < 10 && current.has("$ref"); depth++) {
            String ref = current.path("$ref").asText();
            current = document.at(ref.substring(1));
        }
        return current;
    }

    /** {@code node} with every {@code $ref} replaced by what it names, down to a depth that ends recursion. */
    static JsonNode inline(JsonNode document, JsonNode node, int depth) {
        JsonNode resolved = resolve(document, node);
        if (depth > 8 || !resolved.isContainerNode()) {
            return resolved;
        }
        JsonNode copy = resolved.deepCopy();
        if (copy.isObject()) {
            var object = (com.fasterxml.jackson.databind.node.ObjectNode) copy;
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, inline(document, object.get(name), depth + 1));
            }
        } else {
            var array = (com.fasterxml.jackson.databind.node.ArrayNode) copy;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, inline(document, array.get(i), depth + 1));
            }
        }
        return copy;
    }

    static JsonNode fetch(URI uri) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
