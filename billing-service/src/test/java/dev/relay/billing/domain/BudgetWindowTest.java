package dev.relay.billing.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

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
    void bonusesCountUntilTheyExpire() {
        Bonus bonus = Bonus.grant("acme", 500, Instant.parse("2026-12-01T00:00:00Z"), START);
        assertThat(bonus.isActiveAt(Instant.parse("2026-11-30T23:59:59Z"))).isTrue();
        assertThat(bonus.isActiveAt(Instant.parse("2026-12-01T00:00:00Z"))).isFalse();
    }
}
