package dev.relay.task.api;

import java.util.Set;
import java.util.UUID;

import dev.relay.common.error.ApiException;

/** Field checks that answer 400 naming the field, in the words a client needs to fix the request. */
final class RequestRules {

    private RequestRules() {
    }

    static String oneOf(String field, String value, Set<String> allowed, String fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw ApiException.invalidRequest("field '" + field + "' must be one of " + String.join(", ", allowed.stream().sorted().toList())
                    + ", got '" + value + "'");
        }
        return value;
    }

    static int range(String field, Integer value, int min, int max, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw ApiException.invalidRequest("field '" + field + "' must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static UUID uuid(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest("field '" + field + "' must be a UUID, got '" + value + "'");
        }
    }

    /** The Idempotency-Key header: null when absent, at most 255 characters. */
    static String idempotencyKey(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.length() > 255) {
            throw ApiException.invalidRequest("header 'Idempotency-Key' must be at most 255 characters");
        }
        return header.strip();
    }

    /** For ids the seed lets the server replace when they are not valid UUIDs. */
    static UUID uuidOrNull(String value) {
        try {
            return value == null || value.isBlank() ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
