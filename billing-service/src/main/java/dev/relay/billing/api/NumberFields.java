package dev.relay.billing.api;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.error.ApiException;

/** Whole numbers from a JSON body, checked field by field (400 naming the field). */
final class NumberFields {

    private NumberFields() {
    }

    static long wholeAtLeast(String field, JsonNode value, long min) {
        if (value == null || value.isNull()) {
            throw ApiException.invalidRequest("field '" + field + "' is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalidRequest("field '" + field + "' must be a whole number, got " + value);
        }
        if (value.asLong() < min) {
            throw ApiException.invalidRequest("field '" + field + "' must be at least " + min + ", got " + value.asLong());
        }
        return value.asLong();
    }
}
