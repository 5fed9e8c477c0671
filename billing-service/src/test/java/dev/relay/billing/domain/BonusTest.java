package dev.relay.billing.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class BonusTest {

    @Test
    void bonusesCountUntilTheyExpire() {
        Bonus bonus = Bonus.grant("acme", 500, Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-11-01T09:30:00Z"));
        assertThat(bonus.isActiveAt(Instant.parse("2026-11-30T23:59:59Z"))).isTrue();
        assertThat(bonus.isActiveAt(Instant.parse("2026-12-01T00:00:00Z"))).isFalse();
    }
}
