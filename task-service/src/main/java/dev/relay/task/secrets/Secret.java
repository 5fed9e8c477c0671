package dev.relay.task.secrets;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A named secret of an organization, sealed: its value is only ever held encrypted here. */
@Entity
@Table(name = "secret")
public class Secret {

    @Id
    public UUID id;
    public String org;
    public String name;
    public byte[] sealed;
    @Column(name = "key_id")
    public String keyId;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
