package dev.relay.common.error;

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
}
