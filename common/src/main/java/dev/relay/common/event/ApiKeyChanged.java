package dev.relay.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An API key was created or revoked ({@code revoked_at} set), on {@link Topics#API_KEYS}: every service that accepts
 * API keys keeps its own copy of the hashes. A revoked key stays revoked, whatever order the records arrive in. Its
 * {@code scope} ({@code read} or {@code read_write}; absent in records from before scopes: read_write) and
 * {@code expires_at} (absent: never) are set when it is made and never change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyChanged(
        UUID id,
        String org,
        @JsonProperty("user_email") String userEmail,
        String hash,
        @JsonProperty("revoked_at") Instant revokedAt,
        String scope,
        @JsonProperty("expires_at") Instant expiresAt) {

    /** A read-write key that never expires. */
    public ApiKeyChanged(UUID id, String org, String userEmail, String hash, Instant revokedAt) {
        this(id, org, userEmail, hash, revokedAt, null, null);
    }
}
