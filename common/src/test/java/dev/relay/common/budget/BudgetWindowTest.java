package dev.relay.common.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.relay.common.event.BudgetStateChanged;

class BudgetWindowTest {

    private static final Instant START = Instant.parse("2026-11-01T09:30:00Z");

    @Test
    void windowsFollowOneAnotherFromTheBudgetsStart() {
        BudgetWindow first = BudgetWindow.at(START, 30, Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(first.start()).isEqualTo(START);
        assertThat(first.end()).isEqualTo("2026-12-01T09:30:00Z");
        BudgetWindow third = BudgetWindow.at(START, 30, Instant.parse("2027-01-15T00:00:00Z"));
        assertThat(third.start()).isEqualTo("2026-12-31T09:30:00Z");
        assertThat(third.end()).isEqualTo("2027-01-30T09:30:00Z");
        assertThat(third.endEpochSeconds()).isEqualTo(Instant.parse("2027-01-30T09:30:00Z").getEpochSecond());
    }

    @Test
    void aWindowEndsExactlyWhereTheNextBegins() {
        Instant boundary = Instant.parse("2026-11-08T09:30:00Z");
        assertThat(BudgetWindow.at(START, 7, boundary.minusNanos(1)).end()).isEqualTo(boundary);
        assertThat(BudgetWindow.at(START, 7, boundary).start()).isEqualTo(boundary);
        assertThat(BudgetWindow.at(START, 7, boundary).contains(boundary)).isTrue();
        assertThat(BudgetWindow.at(START, 7, boundary.minusNanos(1)).contains(boundary)).isFalse();
    }

    @Test
    void aBudgetWithoutResetsHasOneWindowThatNeverEnds() {
        BudgetWindow forever = BudgetWindow.at(START, 0, Instant.parse("2031-01-01T00:00:00Z"));
        assertThat(forever.start()).isEqualTo(START);
        assertThat(forever.end()).isNull();
        assertThat(forever.endEpochSeconds()).isZero();
        assertThat(forever.contains(Instant.parse("2040-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void theEffectiveAllowanceCountsBonusesUntilTheyExpire() {
        var allowance = new BudgetStateChanged.Allowance("trial", 1_000, List.of(
                new BudgetStateChanged.Bonus(500, Instant.parse("2026-12-01T00:00:00Z")),
                new BudgetStateChanged.Bonus(200, Instant.parse("2026-12-15T00:00:00Z"))), 0);
        assertThat(allowance.effectiveAt(Instant.parse("2026-11-30T23:59:59Z"))).isEqualTo(1_700);
        assertThat(allowance.effectiveAt(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(1_200);
        assertThat(allowance.effectiveAt(Instant.parse("2026-12-15T00:00:00Z"))).isEqualTo(1_000);
    }

    @Test
    void aStatesConsumptionCountsOnlyInItsOwnWindow() {
        var state = new BudgetStateChanged(null, "acme", 1, START, 30, START, null, List.of(), List.of(), NeoPricing.ONE_TO_ONE, START);
        BudgetWindow same = state.windowAt(Instant.parse("2026-11-24T00:00:00Z"));
        BudgetWindow next = state.windowAt(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(state.consumedIn(same, 700)).isEqualTo(700);
        assertThat(state.consumedIn(next, 700)).isZero();
    }

    @Test
    void pricingWeighsEachModelsTokens() {
        var pricing = new NeoPricing(1, 2, Map.of("opus-4.8", new NeoPricing.Weight(3, 15)));
        assertThat(pricing.neoTokens("haiku-4.5", 100, 10)).isEqualTo(120);
        assertThat(pricing.neoTokens("opus-4.8", 100, 10)).isEqualTo(450);
        assertThat(new NeoPricing(0.5, 0.5, null).neoTokens("any", 1, 0)).isEqualTo(1);
    }
}
