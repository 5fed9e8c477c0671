package dev.relay.common.error;

/** A request that cannot be served, with the HTTP status and the stable error code the client branches on. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String kind;

    public ApiException(int status, String code, String kind, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.kind = kind;
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

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String kind() {
        return kind;
    }
}
