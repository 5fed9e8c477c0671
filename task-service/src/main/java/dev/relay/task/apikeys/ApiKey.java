package dev.relay.task.apikeys;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user's API key: its hash (the key itself is shown once, at creation), and whether it was revoked. */
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
}
