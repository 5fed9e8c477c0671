package dev.relay.common.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.common.budget.BudgetWindow;
import dev.relay.common.budget.NeoPricing;

/**
 * Where an organization's Neo-token budget stands (topic {@value Topics#BUDGET_STATES}, keyed by organization,
 * compacted), published by the billing service after every change of the budget, its bonuses or caps, and after
 * every metered batch with usage of the organization. {@code version} grows with every state, so a reader keeps the
 * highest it has seen. The consumption figures belong to the window starting {@code windowStart}; a reader in a later
 * window counts from zero. Bonuses come with their expiry so that the effective allowance can be computed at any
 * time without a new state.
 *
 * @param allowance the organization's budget, null when no cap applies to the organization
 * @param userCaps  the caps per user (by email) with their consumption in the window
 * @param projectCaps the caps per project with their consumption in the window
 * @param pricing   how model tokens become Neo tokens, so that the task service prices its runs as billing does
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BudgetStateChanged(
        @JsonProperty("event_id") UUID eventId,
        String org,
        long version,
        @JsonProperty("window_origin") Instant windowOrigin,
        @JsonProperty("window_days") int windowDays,
        @JsonProperty("window_start") Instant windowStart,
        Allowance allowance,
        @JsonProperty("user_caps") List<Cap> userCaps,
        @JsonProperty("project_caps") List<Cap> projectCaps,
        NeoPricing pricing,
        @JsonProperty("occurred_at") Instant occurredAt) {

    /** The organization's allowance: base plus bonuses that have not expired; {@code consumed} in the window. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Allowance(@JsonProperty("window_kind") String windowKind, @JsonProperty("base_tokens") long baseTokens,
            List<Bonus> bonuses, long consumed) {

        public long effectiveAt(Instant now) {
            return baseTokens + bonuses.stream().filter(bonus -> bonus.expiresAt().isAfter(now)).mapToLong(Bonus::tokens).sum();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Bonus(long tokens, @JsonProperty("expires_at") Instant expiresAt) {
    }

    /** A per-window limit of one user or project and what it consumed in the window. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cap(String subject, @JsonProperty("limit_tokens") long limitTokens, long consumed) {
    }

    /** The window holding {@code now}: windows of {@code windowDays} days from {@code windowOrigin}. */
    public BudgetWindow windowAt(Instant now) {
        return BudgetWindow.at(windowOrigin, windowDays, now);
    }

    /** The consumption the state reports, if it belongs to {@code window}; a later window has consumed nothing yet. */
    public long consumedIn(BudgetWindow window, long consumed) {
        return window.start().equals(windowStart) ? consumed : 0;
    }

    public Map<String, Cap> userCapsBySubject() {
        return bySubject(userCaps);
    }

    public Map<String, Cap> projectCapsBySubject() {
        return bySubject(projectCaps);
    }

    private static Map<String, Cap> bySubject(List<Cap> caps) {
        return caps == null ? Map.of() : caps.stream().collect(Collectors.toMap(Cap::subject, cap -> cap, (a, b) -> b));
    }
}
