package dev.relay.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.auth.Hashes;

/**
 * What identifies a request for Idempotency-Key checks: the SHA-256 of the operation and the request body as it
 * is on the wire, in canonical JSON (keys sorted, nulls dropped). It changes only when the request does: renaming
 * a Java field behind a {@code @JsonProperty}, reordering fields or adding an optional field that stays absent leave
 * it as it was.
 */
public final class RequestFingerprint {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private RequestFingerprint() {
    }

    /** {@code json} is the service's mapper, so the body is written with the names the API reads. */
    public static String of(ObjectMapper json, String operation, Object body) {
        JsonNode tree = json.valueToTree(body);
        return Hashes.sha256Hex(operation + "\n" + canonical(tree));
    }

    private static String canonical(JsonNode tree) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(withoutNulls(tree), Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a request body could not be written as JSON", e);
        }
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(field -> {
                if (!field.getValue().isNull()) {
                    copy.set(field.getKey(), withoutNulls(field.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node;
    }
}
