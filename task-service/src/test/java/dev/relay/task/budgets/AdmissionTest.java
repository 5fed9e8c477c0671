package dev.relay.task.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final long ESTIMATE = 2_000;

    private static Admission decide(BudgetLine... lines) {
        return Admission.decide(List.of(lines), ESTIMATE, 1, 0.8);
    }

    @Test
    void withoutLimitsNothingIsReserved() {
        Admission admission = decide(new BudgetLine(BudgetScope.ORG, "", null, 0, 5_000, 0));
        assertThat(admission.admitted()).isTrue();
        assertThat(admission.reservedTokens()).isZero();
        assertThat(admission.warnings()).isEmpty();
    }

    @Test
    void aRunReservesItsEstimateOrWhatIsLeft() {
        assertThat(decide(new BudgetLine(BudgetScope.ORG, "", 10_000L, 0, 0, 0)).reservedTokens()).isEqualTo(ESTIMATE);
        // 10 000 - 7 000 used - 2 500 reserved = 500 left
        assertThat(decide(new BudgetLine(BudgetScope.ORG, "", 10_000L, 7_000, 0, 2_500)).reservedTokens()).isEqualTo(500);
        // the smallest headroom of all limits counts
        assertThat(decide(new BudgetLine(BudgetScope.ORG, "", 10_000L, 0, 0, 0),
                new BudgetLine(BudgetScope.USER, "ann@acme.dev", 1_200L, 0, 1_000, 0)).reservedTokens()).isEqualTo(200);
    }

    @Test
    void theLargerOfBillingsAndOwnCountIsWhatIsUsed() {
        // billing has not metered the latest runs yet (own count higher), or metered usage this service did not count
        assertThat(new BudgetLine(BudgetScope.ORG, "", 1_000L, 300, 900, 0).headroom()).isEqualTo(100);
        assertThat(new BudgetLine(BudgetScope.ORG, "", 1_000L, 900, 300, 0).headroom()).isEqualTo(100);
    }

    @Test
    void aLimitWithNoRoomRefusesWithItsCodeTheOrganizationsFirst() {
        Admission refused = decide(new BudgetLine(BudgetScope.ORG, "", 1_000L, 1_000, 0, 0),
                new BudgetLine(BudgetScope.USER, "ann@acme.dev", 0L, 0, 0, 0));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedBy().scope().refusalCode()).isEqualTo("insufficient_neo_credits");
        assertThat(decide(new BudgetLine(BudgetScope.ORG, "", 1_000L, 0, 0, 0), new BudgetLine(BudgetScope.USER, "ann@acme.dev", 0L, 0, 0, 0))
                .refusedBy().scope().refusalCode()).isEqualTo("user_spending_cap_reached");
        // reservations of runs in progress take room too
        assertThat(decide(new BudgetLine(BudgetScope.PROJECT, "p", 4_000L, 0, 0, 4_000)).refusedBy().scope().refusalCode())
                .isEqualTo("project_spending_cap_reached");
    }

    @Test
    void eightyPercentUsedWarnsPerLimit() {
        Admission admission = decide(new BudgetLine(BudgetScope.ORG, "", 10_000L, 8_000, 0, 0),
                new BudgetLine(BudgetScope.PROJECT, "p", 10_000L, 7_999, 0, 0));
        assertThat(admission.admitted()).isTrue();
        assertThat(admission.warnings()).extracting(BudgetWarning::code).containsExactly("spending_cap_approaching");
        assertThat(admission.warnings().get(0).message()).contains("80 % used");
    }

    @Test
    void aLineIsExhaustedOnceItsUseReachesTheLimit() {
        assertThat(new BudgetLine(BudgetScope.ORG, "", 1_000L, 999, 0, 500).exhausted()).isFalse();
        assertThat(new BudgetLine(BudgetScope.ORG, "", 1_000L, 0, 1_000, 0).exhausted()).isTrue();
        assertThat(new BudgetLine(BudgetScope.USER, "u", 0L, 0, 0, 0).exhausted()).isTrue();
        assertThat(new BudgetLine(BudgetScope.USER, "u", null, 0, 1_000_000, 0).exhausted()).isFalse();
    }
}
