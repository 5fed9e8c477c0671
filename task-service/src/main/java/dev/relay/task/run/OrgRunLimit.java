package dev.relay.task.run;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An organization's own limit of runs working at once, set by one of its admins. */
@Entity
@Table(name = "org_run_limit")
class OrgRunLimit {

    @Id
    @Column(name = "org_id")
    String orgId;
    @Column(name = "max_active")
    int maxActive;
    @Column(name = "updated_by")
    String updatedBy;
    @Column(name = "updated_at")
    Instant updatedAt;

    static OrgRunLimit of(String org, int maxActive, String by, Instant now) {
        OrgRunLimit limit = new OrgRunLimit();
        limit.orgId = org;
        limit.set(maxActive, by, now);
        return limit;
    }

    void set(int maxActive, String by, Instant now) {
        this.maxActive = maxActive;
        this.updatedBy = by;
        this.updatedAt = now;
    }
}
