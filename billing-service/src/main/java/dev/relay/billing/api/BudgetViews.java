package dev.relay.billing.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.billing.domain.Bonus;
import dev.relay.billing.domain.BudgetState;
import dev.relay.billing.domain.UsageGroup;

/** What the budget and usage API reads and answers (the seeds' names where the seeds have them). */
public final class BudgetViews {

    private BudgetViews() {
    }

    /** The seeds' token-budget answer. */
    @Schema(name = "OrgNeoTokenBudget")
    public record TokenBudget(String windowKind, long baseAllowanceTokens, long effectiveAllowanceTokens, long consumedTokens,
            long windowEnd, boolean exhausted) {

        static TokenBudget of(BudgetState state) {
            return new TokenBudget(state.windowKind().value(), state.baseAllowance(), state.effectiveAllowance(), state.consumed(),
                    state.window().endEpochSeconds(), state.exhausted());
        }
    }

    /** A PUT of the budget: numbers are read as JSON nodes so that 1.5 or "10" is refused, not rounded. */
    public record BudgetRequest(
            @Schema(enumeration = {"trial", "individual"}) String windowKind,
            @Schema(implementation = Long.class, minimum = "0") JsonNode baseAllowanceTokens,
            @Schema(implementation = Integer.class, minimum = "0", description = "0: the window never resets") JsonNode windowDays) {
    }

    public record BonusRequest(
            @Schema(implementation = Long.class, minimum = "1") JsonNode tokens,
            @Schema(description = "ISO-8601 instant, in the future") String expiresAt) {
    }

    public record BonusView(UUID id, long tokens, Instant expiresAt) {
        static BonusView of(Bonus bonus) {
            return new BonusView(bonus.id, bonus.tokens, bonus.expiresAt);
        }
    }

    public record CapRequest(@Schema(implementation = Long.class, minimum = "0", description = "per window; 0 blocks all spend") JsonNode limitTokens) {
    }

    public record CapView(String scope, String subject, long limitTokens) {
    }

    public record UsageView(String group, long input_tokens, long output_tokens, long neo_tokens) {
        static UsageView of(UsageGroup group) {
            return new UsageView(group.group(), group.inputTokens(), group.outputTokens(), group.neoTokens());
        }
    }

    public record UsagePage(List<UsageView> usage) {
    }
}
