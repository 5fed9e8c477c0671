package dev.relay.task.secrets;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A named secret of an organization, sealed: its value is only ever held encrypted here, with the hosts it may be
 * sent to.
 */
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
    /** The hosts it may be sent to, comma-separated; null for a secret stored before hosts were required (usable nowhere). */
    public String hosts;
    /** The members whose runs may use it, comma-separated emails; null: every member of the organization. */
    public String users;

    /** The hosts it may be sent to (none: it may be sent nowhere). */
    /** The value sealed anew ({@code sealed} under the key {@code keyId}); the value itself is unchanged. */
    public void resealed(byte[] sealed, String keyId) {
        this.sealed = sealed;
        this.keyId = keyId;
    }

    /** The members whose runs may use it; empty: every member. */
    public List<String> userList() {
        return users == null || users.isBlank() ? List.of() : List.of(users.split(","));
    }

    /** Whether a run of a task {@code user} created may have it filled in. */
    public boolean mayBeUsedBy(String user) {
        return users == null || users.isBlank() || userList().contains(user.toLowerCase(java.util.Locale.ROOT));
    }

    public List<String> hostList() {
        return hosts == null || hosts.isBlank() ? List.of() : List.of(hosts.split(","));
    }
}
