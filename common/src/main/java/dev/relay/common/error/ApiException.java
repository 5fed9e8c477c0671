package dev.relay.common.error;

import java.time.Duration;

/** A request that cannot be served, with the HTTP status and the stable error code the client branches on. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String kind;
    private final long retryAfterSeconds;

    public ApiException(int status, String code, String kind, String message) {
        this(status, code, kind, message, 0);
    }

    private ApiException(int status, String code, String kind, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(400, "invalid_request", "invalid request", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", "unauthorized", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_exists", "not found", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", "forbidden request", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, "conflict", message);
    }

    public static ApiException tooManyRequests(String message) {
        return new ApiException(429, "too_many_requests", "too many requests", message);
    }

    /** A 429 that tells the client when to try again ({@code Retry-After}, whole seconds, at least one). */
    public static ApiException tooManyRequests(String message, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiException(429, "too_many_requests", "too many requests", message, seconds);
    }

    /** A 503: the service could not answer in time; {@code Retry-After} says when to try again (whole seconds, at least one). */
    public static ApiException unavailable(String message, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiException(503, "unavailable", "service unavailable", message, seconds);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String kind() {
        return kind;
    }

    /** Seconds after which the request may succeed, or 0 when the answer names none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
