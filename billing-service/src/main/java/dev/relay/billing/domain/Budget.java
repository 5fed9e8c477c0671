package dev.relay.billing.domain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.relay.common.budget.BudgetWindow;

/**
 * An organization's Neo-token budget: a base allowance per window of {@code windowDays} days (0: never resets),
 * windows counted from {@code windowStart}; set by {@code BudgetRepository.upsert}.
 */
@Entity
@Table(name = "budget")
public class Budget {

    @Id
    public String org;
    @Column(name = "window_kind")
    public String windowKind;
    @Column(name = "base_allowance")
    public long baseAllowance;
    @Column(name = "window_days")
    public int windowDays;
    @Column(name = "window_start")
    public Instant windowStart;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public BudgetWindow windowAt(Instant now) {
        return BudgetWindow.at(windowStart, windowDays, now);
    }
}
