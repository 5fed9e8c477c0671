package dev.relay.task.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.budget.NeoPricing;
import dev.relay.common.event.BudgetStateChanged;
import io.smallrye.mutiny.Uni;

/** The budget states a replica answers without reading them again: newer states win, the one it keeps is answered at once. */
class KnownBudgetStatesTest {

    /** The table as the repository would answer it, counting its reads. */
    private static final class StoredStates extends BudgetStateRepository {
        final Map<String, BudgetStateChanged> rows = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        StoredStates() {
            super(new ObjectMapper());
        }

        @Override
        public Uni<BudgetStateChanged> find(String org) {
            reads.incrementAndGet();
            return Uni.createFrom().item(rows.get(org));
        }

        @Override
        public Uni<Boolean> keepIfNewer(BudgetStateChanged state) {
            BudgetStateChanged held = rows.get(state.org());
            if (held != null && held.version() >= state.version()) {
                return Uni.createFrom().item(false);
            }
            rows.put(state.org(), state);
            return Uni.createFrom().item(true);
        }
    }

    private static BudgetConfig cachedFor(Duration duration) {
        return new BudgetConfig() {
            public long runEstimate() { return 2_000; }
            public long minimumHeadroom() { return 1; }
            public double warnAt() { return 0.8; }
            public Duration callWait() { return Duration.ofSeconds(30); }
            public Duration reservationTtl() { return Duration.ofHours(6); }
            public Duration sweepInterval() { return Duration.ofMinutes(1); }
            public Duration stateCacheFor() { return duration; }
        };
    }

    private static BudgetStateChanged state(String org, long version) {
        return new BudgetStateChanged(UUID.randomUUID(), org, version, Instant.EPOCH, 30, Instant.EPOCH,
                new BudgetStateChanged.Allowance("monthly", 1_000 * version, List.of(), 0), List.of(), List.of(), NeoPricing.ONE_TO_ONE,
                Instant.now());
    }

    private static BudgetStateChanged find(KnownBudgetStates states, String org) {
        return states.find(org).await().indefinitely();
    }

    @Test
    void aStateReadOnceIsAnsweredWithoutReadingAgainUntilItsTimeIsUp() throws Exception {
        StoredStates stored = new StoredStates();
        stored.rows.put("acme", state("acme", 3));
        KnownBudgetStates states = new KnownBudgetStates(stored, cachedFor(Duration.ofMillis(300)));
        assertThat(find(states, "acme").version()).isEqualTo(3);
        assertThat(find(states, "acme").version()).isEqualTo(3);
        assertThat(find(states, "none")).isNull();
        assertThat(find(states, "none")).isNull();
        assertThat(stored.reads).hasValue(2);

        // another replica kept a newer state: seen once the time is up
        stored.rows.put("acme", state("acme", 4));
        assertThat(find(states, "acme").version()).isEqualTo(3);
        Thread.sleep(400);
        assertThat(find(states, "acme").version()).isEqualTo(4);
    }

    @Test
    void aStateThisReplicaKeepsIsAnsweredAtOnceAndAnOlderOneNever() {
        StoredStates stored = new StoredStates();
        KnownBudgetStates states = new KnownBudgetStates(stored, cachedFor(Duration.ofHours(1)));
        assertThat(find(states, "acme")).as("no budget yet").isNull();

        assertThat(states.keepIfNewer(state("acme", 5)).await().indefinitely()).isTrue();
        assertThat(find(states, "acme").version()).isEqualTo(5);
        // a state redelivered out of order is neither kept nor answered
        assertThat(states.keepIfNewer(state("acme", 2)).await().indefinitely()).isFalse();
        assertThat(find(states, "acme").version()).isEqualTo(5);
        assertThat(stored.reads).hasValue(1);
    }

    @Test
    void withoutCachingEveryFindReads() {
        StoredStates stored = new StoredStates();
        KnownBudgetStates states = new KnownBudgetStates(stored, cachedFor(Duration.ZERO));
        find(states, "acme");
        find(states, "acme");
        assertThat(stored.reads).hasValue(2);
    }
}
