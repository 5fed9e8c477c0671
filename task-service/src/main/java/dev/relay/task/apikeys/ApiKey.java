package dev.relay.task.apikeys;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A user's API key: its hash (the key itself is shown once, at creation), what it may do ({@code scope}), until when
 * ({@code expiresAt}, none: always), when it was last used here, and whether it was revoked.
 */
@Entity
@Table(name = "api_key")
public class ApiKey {

    @Id
    public UUID id;
    public String org;
    @Column(name = "user_email")
    public String userEmail;
    public String name;
    /** The key's first characters, so its owner can tell keys apart. */
    public String shown;
    public String hash;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
    public String scope;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    /** Whether the key lets a request in at {@code now}: not revoked, not expired. */
    public boolean worksAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    /** Notes a use at {@code now}; at most once a minute, so a busy key is not written on every request. */
    public void usedAt(Instant now) {
        if (lastUsedAt == null || lastUsedAt.isBefore(now.minusSeconds(60))) {
            lastUsedAt = now;
        }
    }

    /** Revokes the key; whether it was working until now (revoking twice changes nothing). */
    public boolean revokeAt(Instant now) {
        if (revokedAt != null) {
            return false;
        }
        revokedAt = now;
        return true;
    }
}
