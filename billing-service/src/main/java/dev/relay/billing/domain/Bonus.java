package dev.relay.billing.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Extra Neo tokens granted to an organization on top of its base allowance, until {@code expiresAt}. */
@Entity
@Table(name = "bonus")
public class Bonus {

    @Id
    public UUID id;
    public String org;
    public long tokens;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "granted_at")
    public Instant grantedAt;

    public static Bonus grant(String org, long tokens, Instant expiresAt, Instant now) {
        Bonus bonus = new Bonus();
        bonus.id = UUID.randomUUID();
        bonus.org = org;
        bonus.tokens = tokens;
        bonus.expiresAt = expiresAt;
        bonus.grantedAt = now;
        return bonus;
    }

    public boolean isActiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
