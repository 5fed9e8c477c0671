package dev.relay.common.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.relay.common.error.ApiException;
import dev.relay.common.schedule.Recurrence;

/** Checks of request fields that answer 400 naming the field, in the words a client needs to fix the request. */
public final class FieldRules {

    /** Every list endpoint: {@code pageSize} from 1 to this, {@value #DEFAULT_PAGE_SIZE} when absent. */
    public static final int MAX_PAGE_SIZE = 1000;
    public static final int DEFAULT_PAGE_SIZE = 100;

    private FieldRules() {
    }

    /** The constant of {@code type} whose wire value is {@code value}; {@code fallback} when absent. */
    public static <E extends Enum<E> & WireValue> E oneOf(String field, String value, Class<E> type, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        E[] constants = type.getEnumConstants();
        return Arrays.stream(constants).filter(constant -> constant.value().equals(value)).findFirst()
                .orElseThrow(() -> notOneOf(field, Arrays.stream(constants).map(WireValue::value).toList(), value));
    }

    public static String oneOf(String field, String value, Collection<String> allowed, String fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw notOneOf(field, allowed, value);
        }
        return value;
    }

    /** A start time as the seeds write it (HH:MM, 24h), stripped; null when absent. */
    public static String startTime(String field, String value) {
        String start = value == null || value.isBlank() ? null : value.strip();
        if (start != null && !Recurrence.isStartTime(start)) {
            throw ApiException.invalidRequest("field '" + field + "' must be HH:MM (24h), got '" + start + "'");
        }
        return start;
    }

    /** An IANA time zone (or UTC), stripped; {@code fallback} when absent. */
    public static String timeZone(String field, String value, String fallback) {
        String zone = value == null || value.isBlank() ? fallback : value.strip();
        if (zone != null && !Recurrence.isTimeZone(zone)) {
            throw ApiException.invalidRequest("field '" + field + "' must be an IANA time zone such as 'Europe/Berlin', got '" + zone + "'");
        }
        return zone;
    }

    /** An ISO-8601 instant; null when absent. */
    public static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest("field '" + field + "' must be an ISO-8601 instant such as 2027-01-01T00:00:00Z, got '" + value + "'");
        }
    }

    public static int range(String field, Integer value, int min, int max, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw ApiException.invalidRequest("field '" + field + "' must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** The {@code pageSize} parameter of a list. */
    public static int pageSize(Integer value) {
        if (value != null && (value < 1 || value > MAX_PAGE_SIZE)) {
            throw ApiException.invalidRequest("parameter 'pageSize' must be between 1 and " + MAX_PAGE_SIZE + ", got " + value);
        }
        return value == null ? DEFAULT_PAGE_SIZE : value;
    }

    public static UUID uuid(String field, String value) {
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
    public static String idempotencyKey(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.length() > 255) {
            throw ApiException.invalidRequest("header 'Idempotency-Key' must be at most 255 characters");
        }
        return header.strip();
    }

    private static ApiException notOneOf(String field, Collection<String> allowed, String value) {
        return ApiException.invalidRequest("field '" + field + "' must be one of "
                + allowed.stream().sorted().collect(Collectors.joining(", ")) + ", got '" + value + "'");
    }
}
