package dev.relay.task.task.api;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.api.FieldRules;
import dev.relay.common.api.RequestFingerprint;
import dev.relay.common.error.ApiException;
import dev.relay.task.task.IdempotentRequest;

/** The task API's own request rules (the shared ones are {@link FieldRules}). */
final class RequestRules {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private RequestRules() {
    }

    /** For ids the seed lets the server replace when they are not valid UUIDs. */
    static UUID uuidOrNull(String value) {
        try {
            return value == null || value.isBlank() ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The Idempotency-Key header with the fingerprint of what it came with; null without the header. */
    static IdempotentRequest idempotent(ObjectMapper json, String header, String operation, Object body) {
        String key = FieldRules.idempotencyKey(header);
        return key == null ? null : new IdempotentRequest(key, RequestFingerprint.of(json, operation, body));
    }

    /** A task's name: 1 to 255 characters after trimming; null when absent. */
    static String name(String value) {
        String name = value == null ? null : value.strip();
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            throw ApiException.invalidRequest("field 'name' must be 1 to 255 characters after trimming");
        }
        return name;
    }
}
