package dev.relay.common.error;

import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The seeds' {@code ErrorResponse}: {@code code} is stable and machine-readable, {@code message} is the kind
 * prefixed to the error, {@code error_id} correlates with the server log.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "ErrorResponse")
public record ErrorBody(String error, String code, String kind, String message, @JsonProperty("error_id") String errorId) {

    /** The body for {@code status}: the reason phrase as {@code error}, {@code detail} prefixed with the kind. */
    public static ErrorBody of(int status, String code, String kind, String detail, String errorId) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String message = detail == null || detail.isBlank() ? kind : kind + ": " + detail;
        return new ErrorBody(known != null ? known.getReasonPhrase() : "Error", code, kind, message, errorId);
    }

    public static ErrorBody of(ApiException e) {
        return of(e.status(), e.code(), e.kind(), e.getMessage(), null);
    }
}
