package dev.relay.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An API key was created or revoked ({@code revoked_at} set), on {@link Topics#API_KEYS}: every service that accepts
 * API keys keeps its own copy of the hashes. A revoked key stays revoked, whatever order the records arrive in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyChanged(
        UUID id,
        String org,
        @JsonProperty("user_email") String userEmail,
        String hash,
        @JsonProperty("revoked_at") Instant revokedAt) {
}
